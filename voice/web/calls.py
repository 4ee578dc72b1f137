"""Admin call pages: the call list, filtered in the words it shows, and one call's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, current_app, render_template, request

from voice.analytics import call_detail as load_call
from voice.analytics import calls as find_calls
from voice.calls.outcomes import OUTCOMES
from voice.calls.outcomes import code_for as outcome_code
from voice.web.admin import bp
from voice.web.scope import Scope, scope_of
from voice.web.tables import Column, Table, export, page_count, page_number, wants_csv
from voice.web.timeline import timeline_table
from voice.web.words import line_named, reason_code, topic_title

PAGE_SIZE = 50
BATCH = 1000  # the most one analytics query returns at once
CSV_MAX_ROWS = 100_000
REASONS = ("intent", "asked_for_human", "no_match", "low_confidence", "frustration",
           "repeat_caller", "lookup_failed", "silence")  # fmt: skip
CALL_COLUMNS = [
    Column("id", "Call", "call"),
    Column("started_at", "Started", "when"),
    Column("from_number", "From"),
    Column("callflow", "Callflow"),
    Column("outcome", "Outcome", "outcome"),
    Column("reason", "Reason", "reason"),
    Column("intent", "Intent", "topic"),
    Column("duration_s", "Length", "seconds"),
]
MISROUTE_COLUMNS = [Column("team", "Sent to team", "team"),
                    Column("right_target", "Should have gone to", "target")]  # fmt: skip


@dataclass(frozen=True)
class CallFilters:
    """The call list's own filters, on top of the page scope, as stored codes."""

    outcome: str = ""
    reason: str = ""
    intent: str = ""
    number: str = ""
    misrouted: str = ""  # "1": only calls an agent marked as routed wrongly

    def query(self, scope: Scope) -> dict:
        """Return the analytics filters for these and the scope."""
        found = {"start": scope.period.start, "end": scope.period.end}
        found |= {"callflow": scope.callflow, "include_demo": scope.include_demo}
        return found | {k: v for k, v in vars(self).items() if v}


def _intent_key(text: str, scope: Scope) -> str | None:
    """Return the intent or escalation a filter names, by its key or its title; None if none."""
    wanted = " ".join(text.split()).casefold()
    for key in _intents(scope):
        if wanted in (key.casefold(), topic_title(key, scope.callflow).casefold()):
            return key
    return None


def _filters(scope: Scope) -> tuple[CallFilters, list[str]]:
    """Return the filters the query asks for, as the page shows them or as codes; and errors."""
    args, errors = request.args, []
    said = {k: args.get(k, "").strip()[:80] for k in ("outcome", "reason", "intent")}
    found = {
        "outcome": outcome_code(said["outcome"]) if said["outcome"] else "",
        "reason": reason_code(said["reason"], scope.callflow) if said["reason"] else "",
        "intent": _intent_key(said["intent"], scope) if said["intent"] else "",
    }
    for key, value in found.items():
        if value is None:
            errors.append(f"No {key} reads {said[key]!r}; showing every {key}.")
    return CallFilters(
        outcome=found["outcome"] or "",
        reason=found["reason"] or "",
        intent=found["intent"] or "",
        number=args.get("number", "").strip()[:64],
        misrouted="1" if args.get("misrouted") == "1" else "",
    ), errors


def _intents(scope: Scope) -> list[str]:
    """Return the intent and escalation names of the callflows in scope, for the filter."""
    lines = current_app.extensions["voice"].lines
    names: set[str] = set()
    for line in [scope.callflow] if scope.callflow else lines.names:
        callflow = lines.by_name(line)
        names |= set(callflow.intents) | set(callflow.escalations)
    return sorted(names)


@bp.get("/calls")
def calls() -> Response | str:
    """List calls, newest first, by range, callflow, outcome, reason, intent, number, misroute."""
    page = page_number()
    with current_app.extensions["voice"].db.session() as s:
        scope = scope_of(request.args, s)
        filters, errors = _filters(scope)
        if wants_csv():
            found = _all_calls(s, filters.query(scope))
        else:
            found = find_calls(s, filters.query(scope), PAGE_SIZE, (page - 1) * PAGE_SIZE)
    columns = CALL_COLUMNS + (MISROUTE_COLUMNS if filters.misrouted else [])
    caption = "Misrouted calls, newest first" if filters.misrouted else "Calls, newest first"
    table = Table("calls", caption, columns, found["rows"], tz=scope.tz)
    if wants_csv():
        return export([table], scope.stem)
    extra = {k: v for k, v in vars(filters).items() if v}
    return render_template(
        "admin/calls.html",
        scope=scope,
        filters=filters,
        errors=errors,
        table=table,
        total=found["total"],
        page=page,
        pages=page_count(found["total"], PAGE_SIZE),
        page_args=scope.args(**extra),
        every_call_args=scope.args(**{k: v for k, v in extra.items() if k != "misrouted"}),
        outcomes=OUTCOMES,
        reasons=REASONS,
        intents=_intents(scope),
        callflows=current_app.extensions["voice"].lines.names,
    )


@bp.get("/calls/<int:call_id>")
def call_detail(call_id: int) -> Response | str:
    """Show one call's timeline: words, decisions, TwiML, queue, agents, callbacks, wrap-up."""
    with current_app.extensions["voice"].db.session() as s:
        detail = load_call(s, call_id)
    if detail is None:
        abort(404, f"No call {call_id}.")
    line = line_named(detail["call"]["callflow"])
    table = timeline_table(detail["timeline"], line)
    if wants_csv():
        return export([table], f"call-{call_id}")
    return render_template(
        "admin/call.html", detail=detail, call=detail["call"], table=table, line=line
    )


def _all_calls(session: object, query: dict) -> dict:
    """Return every call matching `query` (up to CSV_MAX_ROWS), a page of the backend at a time."""
    rows: list[dict] = []
    while len(rows) < CSV_MAX_ROWS:
        found = find_calls(session, query, BATCH, len(rows))
        rows += found["rows"]
        if len(found["rows"]) < BATCH:
            break
    return {"total": len(rows), "rows": rows[:CSV_MAX_ROWS]}
