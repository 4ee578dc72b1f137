"""'Teach the assistant': grow what a line answers from real calls, one previewed example a time."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from voice.errors import CallflowError
from voice.flow import titles
from voice.flow.bank import suggestions
from voice.flow.cases import Case, replay
from voice.flow.teach import addition_for, known
from voice.flow.understand import OUT_OF_SCOPE
from voice.web.admin import bp
from voice.web.forms import ActionForm
from voice.web.scope import scope_of
from voice.web.taught import (
    VERDICTS,
    accept,
    expect_words,
    got_words,
    label_of,
    preview,
    propose,
    recent,
    teaches,
    undo,
)
from voice.web.teaching import (
    agent_words,
    calls_to_learn_from,
    grouped,
    label_words,
    labelled,
    why_words,
)

KINDS = ("intent", "escalation")  # what a call's closest label can preselect
CASES_SHOWN = 20  # labelled cases from the file that the line still misses, offered to teach


class TeachForm(FlaskForm):
    """One example to preview or accept: the line, its label, where the words come from."""

    callflow = HiddenField(validators=[DataRequired(), Length(max=80)])
    label = HiddenField(validators=[DataRequired(), Length(max=100)])
    source = HiddenField(validators=[DataRequired(), Length(max=40)])
    text = HiddenField(validators=[Length(max=500)])
    demo = HiddenField(validators=[Length(max=1)])
    start = HiddenField(validators=[Length(max=10)])  # the page's range, to go back to it
    end = HiddenField(validators=[Length(max=10)])

    def back(self) -> str:
        """Return the Teach page this form came from: its line, range and demo switch."""
        return _page(self.callflow.data, self.demo.data, self.start.data, self.end.data)


def _page(callflow: str | None, demo: str | None, start: str | None, end: str | None) -> str:
    args = {"callflow": callflow, "demo": demo, "start": start, "end": end}
    return url_for(".teach", **{k: v for k, v in args.items() if v})


def _rt():  # noqa: ANN202 - the runtime
    return current_app.extensions["voice"]


@bp.get("/teach")
def teach() -> str:
    """Show calls to learn from, grouped by meaning, the labelled cases and the suggestions."""
    lines = _rt().lines
    if not lines.names:
        return render_template("admin/teach.html", callflow=None, names=[])
    asked = request.args.get("callflow", "")
    name = asked if asked in lines.names else lines.names[0]
    callflow = lines.by_name(name)
    with _rt().db.session() as s:
        scope = scope_of({**request.args, "callflow": name}, s)
        heard, total = calls_to_learn_from(s, callflow, scope.period, scope.include_demo)
        cases = labelled(s, callflow, scope.include_demo)
        taught = recent(s, name)
    now = replay(callflow, cases.cases)
    groups = [(g, [_call_row(callflow, g.label, c) for c in g.calls])
              for g in grouped(callflow, heard)]  # fmt: skip
    return render_template(
        "admin/teach.html",
        callflow=callflow,
        names=lines.names,
        unknown=asked if asked and asked != name else "",
        scope=scope,
        groups=groups,
        shown=len(heard),
        total=total,
        cases=cases,
        figures=now.figures,
        missed=_missed(callflow, now.outcomes[: cases.from_file]),
        bank=_bank(callflow),
        taught=taught,
        choices=_choices(callflow),
        degraded=_degraded(callflow),
        teaches=teaches,
        agent_words=lambda call: agent_words(callflow, call),
        why_words=why_words,
        expect_words=expect_words,
    )


def _call_row(callflow: object, closest: tuple[str, str], call: object) -> dict:
    """Return a listed call with what it could teach: its agent's label, or a label to pick."""
    row = {"call": call, "add": None, "known": False, "pick": ""}
    if not call.words:
        return row
    if call.expect:
        add = addition_for(Case(call.expect, call.words))
        return row | {"add": add, "label": label_of(add), "known": known(callflow, add)}
    if call.routing_right:  # the agent said a person was right: most likely out of scope
        row["pick"] = OUT_OF_SCOPE
    elif call.routing_right is None and call.reason != "vague" and closest[0] in KINDS:
        row["pick"] = f"{closest[0]}:{closest[1]}"
    return row


def _missed(callflow: object, outcomes: list) -> list[dict]:
    """Return the cases file's cases the line does not handle right, with what each would add."""
    rows = []
    for outcome in outcomes:
        add = addition_for(outcome.case)
        if outcome.verdict != "right" and not known(callflow, add):
            got, verdict = got_words(outcome.got, callflow), VERDICTS[outcome.verdict]
            rows.append({"outcome": outcome, "add": add, "label": label_of(add),
                         "got": got, "verdict": verdict})  # fmt: skip
    return rows[:CASES_SHOWN]


def _bank(callflow: object) -> list[tuple[str, list[str]]]:
    """Return, per intent the bank knows a kind for, phrasings to offer."""
    found = [(name, suggestions(callflow, name)) for name in callflow.intents]
    return [(name, texts) for name, texts in found if texts]


def _choices(callflow: object) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return what a call can be taught as, grouped as the select shows it."""
    intents = [(f"intent:{n}", titles.intent(callflow, n)) for n in sorted(callflow.intents)]
    escalations = [(f"escalation:{n}", label_words(("escalation", n)))
                   for n in sorted(callflow.escalations)]  # fmt: skip
    never = [(OUT_OF_SCOPE, "not something the assistant should answer")]
    return [("Intents the assistant answers", intents),
            ("Sensitive topics that go to a person", escalations),
            ("Neither", never)]  # fmt: skip


def _degraded(callflow: object) -> str:
    """Return why understanding is degraded for the line ('' when it is not)."""
    if callflow.understanding is not None:
        return ""
    from voice.app import readiness

    said = [p for p in readiness(_rt())["problems"] if "understanding" in p]
    return "; ".join(said) or f"no understanding model serves {callflow.language}"


def _proposal(form: TeachForm, s: object):  # noqa: ANN202 - (callflow, Proposal)
    lines = _rt().lines
    if form.callflow.data not in lines.names:
        raise ValueError(f"callflow {form.callflow.data!r} is not loaded")
    callflow = lines.by_name(form.callflow.data)
    return propose(s, callflow, form.label.data, form.source.data, form.text.data or "")


@bp.post("/teach/preview")
def teach_preview() -> tuple[str, int] | str:
    """Show the labelled cases replayed without and with one example, to accept or not."""
    form = TeachForm()
    if not form.validate_on_submit():
        return _refused(_errors(form))
    try:
        with _rt().db.session() as s:
            shown = preview(s, _proposal(form, s), form.demo.data == "1")
    except (CallflowError, ValueError) as exc:
        return _refused(str(exc))
    return render_template("admin/teach_preview.html", p=shown, form=form, **_words())


@bp.post("/teach/accept")
def teach_accept() -> Response | tuple[str, int]:
    """Add the example to the callflow file if it still harms no labelled case; reload the line."""
    form = TeachForm()
    if not form.validate_on_submit():
        return _refused(_errors(form))
    try:
        with _rt().db.session() as s:
            proposal = _proposal(form, s)
            said = accept(s, proposal, form.demo.data == "1", current_user.id, _rt().lines)
    except (CallflowError, ValueError) as exc:
        return _refused(str(exc))
    for category, message in said:
        flash(message, category)
    return redirect(form.back())


@bp.post("/teach/undo/<int:row_id>")
def teach_undo(row_id: int) -> Response | tuple[str, int]:
    """Take a taught example out of its callflow file again, and reload the line."""
    if not ActionForm().validate_on_submit():
        return _refused("the form was incomplete")
    try:
        with _rt().db.session() as s:
            category, message = undo(s, row_id, _rt().lines)
    except (CallflowError, ValueError) as exc:
        return _refused(str(exc))
    flash(message, category)
    back = {k: request.form.get(k, "")[:80] for k in ("callflow", "demo", "start", "end")}
    return redirect(_page(**back))


def _words() -> dict:
    return {"expect_words": expect_words, "got_words": got_words, "verdicts": VERDICTS,
            "teaches": teaches}  # fmt: skip


def _errors(form: TeachForm) -> str:
    found = [f"{name}: {'; '.join(errors)}" for name, errors in form.errors.items()]
    return ". ".join(found) or "the form was incomplete"


def _refused(message: str) -> tuple[str, int]:
    text = f"Nothing was changed: {message}"
    return render_template("error.html", code=400, message=text), 400
