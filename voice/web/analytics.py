"""The admin dashboard: time to a person, what the assistant settles alone, where it errs.

Figures cover a date range and callflow; the charts are SVG drawn by the app itself.
"""

from __future__ import annotations

from flask import Response, current_app, render_template, request
from markupsafe import Markup

from voice.analytics import by_reason, daily, funnel, per_intent, summary
from voice.calls.outcomes import IN_PROGRESS, OUTCOMES
from voice.web import charts
from voice.web.admin import bp
from voice.web.filters import reason as reason_words
from voice.web.scope import scope_of
from voice.web.tables import Column, Table, export, wants_csv

# the daily chart's series: every outcome, then calls still going (left out when there are none)
SERIES = (*OUTCOMES.items(), ("in_progress", IN_PROGRESS))
FUNNEL_ROWS = (
    ("greeting",),
    ("answered", "transferred", "hung_up_early"),
    ("bridged", "callback", "voicemail", "unanswered", "abandoned", "on_the_line"),
)
FUNNEL_NAMES = {
    "greeting": "Greeted",
    "answered": "Answered by the assistant",
    "transferred": "Sent to a person",
    "hung_up_early": "Hung up before a decision",
    "bridged": OUTCOMES["transferred"],
    "callback": OUTCOMES["callback_requested"],
    "voicemail": OUTCOMES["voicemail"],
    "unanswered": OUTCOMES["unanswered"],
    "abandoned": "Hung up before a person",
    "on_the_line": IN_PROGRESS,
}
FUNNEL_COLOURS = {  # a stage drawn in the colour of the outcome it is
    "answered": "self_served",
    "transferred": "sent",
    "hung_up_early": "abandoned",
    "bridged": "transferred",
    "callback": "callback_requested",
    "on_the_line": "in_progress",
}


def _db():  # noqa: ANN202 - the runtime's Database
    return current_app.extensions["voice"].db


@bp.get("/")
def home() -> Response | str:
    """Show the dashboard for the range, callflow and demo switch in the query."""
    with _db().session() as s:
        scope = scope_of(request.args, s)
        args = (s, scope.period, scope.callflow, scope.include_demo)
        head, reasons, steps = summary(*args), by_reason(*args), funnel(*args)
        days = daily(*args, tz=scope.tz)
        hurting = [row for row in per_intent(*args) if row["hurts"]]
    tables = [
        headline_table(head, len(hurting)),
        days_table(days),
        reasons_table(reasons),
        funnel_table(steps),
    ]
    if wants_csv():
        return export(tables, scope.stem)
    return render_template(
        "admin/dashboard.html",
        scope=scope,
        head=head,
        steps=steps,
        hurting=hurting,
        no_match=head["transfers_by_reason"].get("no_match", {}),
        tables={t.name: t for t in tables},
        charts=dashboard_charts(days, reasons, steps),
        callflows=current_app.extensions["voice"].lines.names,
    )


def _row(metric: str, value: object, kind: str, counted: int | None = None) -> dict:
    return {"metric": metric, "value": value, "kind": kind, "n": counted}


def headline_table(head: dict, hurting: int) -> Table:
    """Return the headline figures, one per row, with how many calls each one counts."""
    wait, queue, csat = head["time_to_person"], head["queue_wait"], head["csat"]
    no_match = head["transfers_by_reason"].get("no_match", {})
    rows = [
        _row("Calls", head["calls"], "count"),
        *[_row(label, head["outcomes"][code], "count") for code, label in OUTCOMES.items()],
        _row("Self-served rate", head["self_served_rate"], "rate", head["calls"]),
        _row("Sent to a person", head["transferred"], "count"),
        _row("Transfer rate", head["transfer_rate"], "rate", head["calls"]),
        _row("Time to a person, median (s)", wait["p50"], "seconds", wait["n"]),
        _row("Time to a person, p90 (s)", wait["p90"], "seconds", wait["n"]),
        _row("Wait in line, average (s)", queue["avg"], "seconds", queue["n"]),
        _row("Wait in line, p90 (s)", queue["p90"], "seconds", queue["n"]),
        _row("Hung up in line", head["queue_abandon_rate"], "rate", queue["n"]),
        _row(
            "Callbacks completed",
            head["callbacks"]["completed"],
            "count",
            head["callbacks"]["requested"],
        ),  # fmt: skip
        _row("No confident match rate", no_match.get("rate", 0.0), "rate", head["calls"]),
        _row("Misroutes marked by agents", head["misroutes"], "count", head["wrap_ups_reviewed"]),
        _row("CSAT, assistant (1-5)", csat["automated"]["avg"], "score", csat["automated"]["n"]),
        _row("CSAT, people (1-5)", csat["human"]["avg"], "score", csat["human"]["n"]),
        _row("Intents where automation hurts", hurting, "count"),
    ]
    columns = [Column("metric", "Metric"), Column("value", "Value", "auto"),
               Column("n", "Counted from", "count")]  # fmt: skip
    return Table("headline", "Headline figures", columns, rows)


def _series(days: list[dict]) -> list[tuple[str, str]]:
    """Return the outcomes the daily figures show: all of them, and calls still going if any."""
    going = any(d["in_progress"] for d in days)
    return [(key, label) for key, label in SERIES if key != "in_progress" or going]


def days_table(days: list[dict]) -> Table:
    """Return calls per day, by outcome."""
    columns = [Column("date", "Day"), Column("calls", "Calls", "count")]
    columns += [Column(key, label, "count") for key, label in _series(days)]
    return Table("daily", "Calls per day, by outcome", columns, days)


def reasons_table(reasons: list[dict]) -> Table:
    """Return why callers went to a person, with how many of them reached one."""
    columns = [
        Column("reason", "Reason", "reason"),
        Column("count", "Calls", "count"),
        Column("rate", "Of all calls", "rate"),
        Column("share", "Of transfers", "rate"),
        Column("bridged_rate", "Reached a person", "rate"),
    ]
    return Table("reasons", "Transfers to a person, by reason", columns, reasons)


def funnel_table(steps: dict) -> Table:
    """Return the funnel's stages with their counts and share of all calls."""
    whole = steps.get("greeting") or 0
    rows = [
        {"stage": FUNNEL_NAMES[key], "calls": steps[key], "share": steps[key] / whole}
        for row in FUNNEL_ROWS
        for key in row
        if whole and (steps[key] or key != "on_the_line")
    ]
    columns = [Column("stage", "Stage"), Column("calls", "Calls", "count"),
               Column("share", "Of all calls", "rate")]  # fmt: skip
    return Table("funnel", "Call funnel", columns, rows)


def _colour(outcome: str) -> str:
    """Return the colour class of an outcome (or of calls still going: "in_progress")."""
    return f"outcome-{outcome}"


def dashboard_charts(days: list[dict], reasons: list[dict], steps: dict) -> dict[str, Markup]:
    """Return the dashboard's three charts as SVG."""
    series = [
        charts.Series(label, [d[key] for d in days], _colour(key)) for key, label in _series(days)
    ]
    bars = [(reason_words(r["reason"]), r["count"]) for r in reasons]
    funnel_rows = [
        [
            charts.Segment(FUNNEL_NAMES[key], steps[key], _colour(FUNNEL_COLOURS.get(key, key)))
            for key in row
        ]  # fmt: skip
        for row in FUNNEL_ROWS
    ]
    return {
        "daily": charts.stacked_series(
            "Calls per day, by outcome", [d["date"][5:] for d in days], series
        ),
        "reasons": charts.bars("Why callers went to a person", bars),
        "funnel": charts.funnel("From greeting to outcome", funnel_rows),
    }
