"""'Where automation hurts': each intent, the assistant against people, and the one-click fix."""

from __future__ import annotations

from flask import Response, current_app, flash, render_template, request

from voice.analytics import per_intent
from voice.errors import CallflowError
from voice.web.admin import bp
from voice.web.forms import ActionForm, SendToPeopleForm
from voice.web.people import apply, file_fingerprint, preview
from voice.web.scope import scope_of
from voice.web.tables import Column, Table, export, wants_csv

INTENT_COLUMNS = [
    Column("intent", "Intent"),
    Column("volume", "Calls", "count"),
    Column("self_served_rate", "Self-served", "rate"),
    Column("repeat_within_7d_rate", "Called again within 7 days", "rate"),
    Column("repeat_automated", "… after the assistant", "rate"),
    Column("repeat_human", "… after a person", "rate"),
    Column("csat_automated", "CSAT, assistant", "score"),
    Column("csat_human", "CSAT, people", "score"),
    Column("misroutes", "Misroutes (agents)", "count"),
    Column("hurts", "Automation hurts"),
    Column("why", "Why"),
]


def intent_rows(rows: list[dict]) -> list[dict]:
    """Return per-intent rows with each path's repeat rate lifted out for the table."""
    return [
        {
            **row,
            "repeat_automated": row["automated"]["repeat_rate"],
            "repeat_human": row["human"]["repeat_rate"],
        }
        for row in rows
    ]


def automated_intents(callflow_name: str | None, sent: bool = False) -> dict[str, set[str]]:
    """Return, per loaded callflow in scope, the intents the assistant answers (or, `sent`, not)."""
    lines = current_app.extensions["voice"].lines
    names = [callflow_name] if callflow_name else lines.names
    return {
        name: {key for key, i in lines.by_name(name).intents.items() if i.to_people == sent}
        for name in names
    }


@bp.get("/intents")
def intents() -> Response | str:
    """Show every intent's figures, automated path against people, worst first."""
    with current_app.extensions["voice"].db.session() as s:
        scope = scope_of(request.args, s)
        rows = intent_rows(per_intent(s, scope.period, scope.callflow, scope.include_demo))
    table = Table("intents", "Intents: the assistant against people", INTENT_COLUMNS, rows)
    if wants_csv():
        return export([table], scope.stem)
    return render_template(
        "admin/intents.html",
        scope=scope,
        table=table,
        automated=automated_intents(scope.callflow),
        to_people=automated_intents(scope.callflow, sent=True),
        callflows=current_app.extensions["voice"].lines.names,
        form=ActionForm(formdata=None),
    )


@bp.post("/intents/send-to-people")
def send_to_people() -> tuple[str, int] | str:
    """Show, in words, what sending an intent to people changes for callers, to confirm."""
    return _preview(on=True)


@bp.post("/intents/send-to-people/apply")
def apply_send_to_people() -> tuple[str, int] | str:
    """Make the confirmed change: the intent's callers go to people from the next call."""
    return _apply(on=True)


@bp.post("/intents/give-back")
def give_back() -> tuple[str, int] | str:
    """Show, in words, what giving an intent back to the assistant changes, to confirm."""
    return _preview(on=False)


@bp.post("/intents/give-back/apply")
def apply_give_back() -> tuple[str, int] | str:
    """Give the intent back to the assistant: it answers those callers again (the undo)."""
    return _apply(on=False)


def _preview(on: bool) -> tuple[str, int] | str:
    form = SendToPeopleForm()
    if not form.validate_on_submit():
        return _refused(form.errors_text())
    try:
        change = preview(form.callflow.data, form.intent.data, form.team.data or None, on)
    except (CallflowError, ValueError) as exc:
        return _refused(str(exc))
    return render_template("admin/send_to_people.html", form=form, change=change)


def _apply(on: bool) -> tuple[str, int] | str:
    form = SendToPeopleForm()
    if not form.validate_on_submit():
        return _refused(form.errors_text())
    try:
        change = apply(form.callflow.data, form.intent.data, form.team.data or None,
                       form.fingerprint.data, on)  # fmt: skip
    except (CallflowError, ValueError) as exc:
        return _refused(str(exc))
    if on:
        said = f"Callers asking about {change.title} now go to the {change.team_title} team."
    else:
        said = f"The assistant answers callers asking about {change.title} again."
    flash(f"{said} The callflow was checked, saved and reloaded; new calls follow it at once.")
    return render_template(
        "admin/send_to_people.html",
        form=form,
        change=change,
        done=True,
        undo_fingerprint=file_fingerprint(change),
    )


def _refused(message: str) -> tuple[str, int]:
    text = f"Nothing was changed: {message}"
    return render_template("error.html", code=400, message=text), 400
