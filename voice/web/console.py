"""The agent console: presence, the live screen pop, wrap-up and callbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from voice.errors import CallflowNotFound
from voice.routing.agents import FloorError
from voice.routing.callback_list import agent_callbacks
from voice.routing.events import FLOOR, agent_channel
from voice.web import sse
from voice.web.auth import data_endpoint, guard
from voice.web.errors import attach
from voice.web.forms import (
    ActionForm,
    PresenceForm,
    WrapUpForm,
    call_of_ticket,
    ticket_for,
)
from voice.web.opening import lines_for, local_when

bp = attach(Blueprint("console", __name__, url_prefix="/console"))
guard(bp, "agent", "admin")
PARTS = ("presence", "call", "wrapup", "callbacks")
NO_PROFILE = (
    "You have no agent profile, so no calls can reach you. "
    "An admin adds one under Agents (or with `voice agents add`)."
)
ADMIN_TO_FLOOR = (
    "You have no agent profile, so you have no console of your own: the floor shows every "
    "team and agent live. To take calls yourself, add yourself under Agents."
)
REPEAT_WITHIN = dt.timedelta(hours=24)  # as the repeat-caller rule counts earlier calls


def _floor():  # noqa: ANN202 - the runtime's Floor
    return current_app.extensions["voice"].floor


def _me() -> dict:
    """Return the logged-in user's agent profile, or stop with a page that says how to get one.

    An admin with no profile is sent to the floor page instead.
    """
    agent = _floor().agent_for_user(current_user.id)
    if agent is None:
        if current_user.is_admin and request.endpoint == "console.page":
            flash(ADMIN_TO_FLOOR, "info")
            abort(redirect(url_for("admin.floor")))
        abort(404, NO_PROFILE)
    return agent


def _state(agent: dict) -> dict:
    """Return what the console shows: presence, the current call, its wrap-up, callbacks."""
    floor = _floor()
    current = floor.current(agent["id"])
    call = current["call"]
    wrapup = None
    if call is not None and current["state"] == "wrap_up":
        wrapup = WrapUpForm(ticket=ticket_for(agent["id"], call["call_id"]), formdata=None)
        wrapup.offer_targets(_callflow(call["callflow"]), floor.known_teams())
    teams = set(agent["teams"])
    with floor.db.session() as s:
        callbacks = agent_callbacks(s, sorted(teams), agent["id"])
    waiting = [e for e in floor.queue() if e["team"] in teams and e["status"] == "waiting"]
    now = floor.clock()
    lines = lines_for(agent["teams"], now)
    zone = lines[0]["timezone"] if lines else "UTC"
    if call is not None:
        call = {**call, "flags": _flags(call, now)}
    return {
        "agent": current["agent"],
        "state": current["state"],
        "call": call,
        "outbound": _outbound(callbacks, agent, call),
        "lines": lines,
        "closed": bool(lines) and not any(line["open"] for line in lines),
        "zone": zone,
        "at": lambda iso: local_when(iso, zone),
        "wrapup": wrapup,
        "callbacks": callbacks,
        "waiting": waiting,
        "presence_form": PresenceForm(formdata=None),
        "action_form": ActionForm(formdata=None),
    }


def _flags(call: dict, now: dt.datetime) -> list[str]:
    """Return the pop's flags, with a repeat caller flagged whatever the reason for this call."""
    flags = list(call["flags"])
    since = now - REPEAT_WITHIN
    earlier = [h for h in call["history"] if dt.datetime.fromisoformat(h["started_at"]) >= since]
    if earlier and "repeat_caller" not in flags:
        flags.insert(0, "repeat_caller")
    return flags


def _outbound(callbacks: list[dict], agent: dict, call: dict | None) -> dict | None:
    """Return the callback this agent is dialling now (an outbound call), or None."""
    if call is None:
        return None
    return next(
        (
            c
            for c in callbacks
            if c["status"] == "dialing"
            and c["agent_id"] == agent["id"]
            and c["call_id"] == call["call_id"]
        ),
        None,
    )


def _callflow(name: str) -> object | None:
    try:
        return current_app.extensions["voice"].lines.by_name(name)
    except CallflowNotFound:
        return None


@bp.get("/")
def page() -> str:
    """Show the console as it is now; the script keeps it live."""
    return render_template("console.html", **_state(_me()))


@bp.get("/state")
@data_endpoint
def state() -> Response:
    """Return the console's parts as HTML fragments, for the script to swap in."""
    context = _state(_me())
    parts = {name: render_template(f"console/{name}.html", **context) for name in PARTS}
    call = context["call"]
    key = f"{call['call_id']}" if context["wrapup"] is not None and call else ""
    return jsonify(**parts, wrapup_key=key)


@bp.get("/events")
@data_endpoint
def events() -> Response:
    """Stream this agent's events and the floor's as Server-Sent Events."""
    agent = _me()
    keepalive = current_app.config.get("SSE_KEEPALIVE_S", sse.KEEPALIVE_S)
    bus = current_app.extensions["voice"].bus
    return sse.stream(sse.relay(bus, [agent_channel(agent["id"]), FLOOR], keepalive_s=keepalive))


@bp.post("/presence")
def presence() -> Response:
    """Go available or offline."""
    form = PresenceForm()
    if form.validate_on_submit():
        _try(_floor().set_presence, _me()["id"], form.presence.data)
    else:
        flash("Choose available or offline.", "error")
    return redirect(url_for(".page"))


@bp.post("/wrap-up")
def wrap_up() -> Response:
    """Store the wrap-up of a call this agent took."""
    agent, form = _me(), WrapUpForm()
    call_id = call_of_ticket(form.ticket.data or "", agent["id"])
    if call_id is None:
        abort(400, "This wrap-up form is not for a call of yours, or it is over a day old.")
    form.offer_targets(_callflow(_floor().screen_pop(call_id)["callflow"]), _floor().known_teams())
    if not form.validate_on_submit():
        problems = "; ".join(f"{form[k].label.text}: {v[0]}" for k, v in form.errors.items())
        flash(f"Wrap-up not saved. {problems}", "error")
        return redirect(url_for(".page"))
    right = form.routing_right.data == "yes"
    target, notes = form.right_target.data or None, form.notes.data or ""
    answers = (form.disposition.data, right, target, notes, form.survey.data or None)
    if _try(_floor().wrap_up, agent["id"], call_id, *answers):
        flash("Wrap-up saved.", "info")
    return redirect(url_for(".page"))


@bp.post("/callbacks/<int:callback_id>/start")
def start_callback(callback_id: int) -> Response:
    """Ring this agent, then the customer who asked to be called back."""
    started = ActionForm().validate_on_submit() and _try(
        _floor().start_callback, callback_id, _me()["id"]
    )
    if started:
        flash("Calling you now; the customer is dialled when you answer.", "info")
    return redirect(url_for(".page"))


def _try(action: Callable[..., object], *args: object) -> object | None:
    """Run a floor action; show its refusal as a message rather than an error page."""
    try:
        return action(*args)
    except FloorError as exc:
        flash(str(exc), "error")
        return None
