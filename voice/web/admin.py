"""Admin pages (admins only) and agent management, through the floor like `voice agents`."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from voice.routing.agents import FloorError
from voice.users import UserError
from voice.web.auth import guard
from voice.web.errors import attach
from voice.web.forms import AgentAddForm, AgentEditForm, PresenceForm

bp = attach(Blueprint("admin", __name__, url_prefix="/admin"))
guard(bp, "admin")


def _floor():  # noqa: ANN202 - the runtime's Floor
    return current_app.extensions["voice"].floor


def _with_teams(form: AgentEditForm) -> AgentEditForm:
    form.teams.choices = [SelectChoice(t, t.replace("_", " ")) for t in _floor().known_teams()]
    return form


@bp.get("/agents")
def agents() -> str:
    """List agents with presence and skills, and the form to add one."""
    return _agents_page(_with_teams(AgentAddForm(formdata=None)))


def _agents_page(form: AgentAddForm, status: int = 200) -> tuple[str, int]:
    listed = _floor().list_agents()
    return render_template("agents.html", agents=listed, form=form), status


@bp.post("/agents")
def add_agent() -> Response | tuple[str, int]:
    """Add an agent and their login."""
    form = _with_teams(AgentAddForm())
    if form.validate_on_submit():
        try:
            added = _floor().add_agent(
                form.login.data,
                form.name.data,
                form.address.data,
                form.teams.data,
                form.language_list(),
                password=form.password.data,
                wrap_up_s=form.wrap_up_s.data,
            )
        except (FloorError, UserError) as exc:
            form.form_errors.append(str(exc))
        else:
            name = f"{added['name']} ({added['login']})"
            flash(f"Added {name}. They are offline until they log in and go available.", "info")
            return redirect(url_for(".agents"))
    return _agents_page(form, 400)


@bp.route("/agents/<int:agent_id>", methods=["GET", "POST"])
def edit_agent(agent_id: int) -> Response | tuple[str, int] | str:
    """Show or change an agent's name, address, teams, languages and wrap-up time."""
    try:
        agent = _floor().agent(agent_id)
    except FloorError:
        return render_template("error.html", code=404, message=f"No agent {agent_id}."), 404
    form = _with_teams(AgentEditForm(data={**agent, "languages": ", ".join(agent["languages"])}))
    if form.validate_on_submit():
        changes = {
            "name": form.name.data,
            "address": form.address.data,
            "teams": form.teams.data,
            "languages": form.language_list(),
            "wrap_up_s": form.wrap_up_s.data,
        }
        try:
            _floor().set_agent(agent_id, **changes)
        except FloorError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Saved {form.name.data}.", "info")
            return redirect(url_for(".agents"))
    status = 400 if request.method == "POST" else 200
    return render_template("agent_edit.html", agent=agent, form=form), status


@bp.post("/agents/<int:agent_id>/presence")
def agent_presence(agent_id: int) -> Response:
    """Set an agent available or offline, even one stuck on a call (her assignment ends)."""
    form = PresenceForm()
    if form.validate_on_submit():
        try:
            by = f"admin {current_user.login}"
            agent = _floor().set_presence(agent_id, form.presence.data, by=by)
            flash(f"{agent['name']} is now {agent['presence'].replace('_', ' ')}.", "info")
        except FloorError as exc:
            flash(str(exc), "error")
    # the floor page uses this same form; send the admin back to the page she was on
    return redirect(url_for(".floor" if request.form.get("back") == "floor" else ".agents"))


@bp.get("/health")
def system_health() -> str:
    """Show what works and what is missing (the readiness report), in words with the fix."""
    from voice.web.health import cache

    return render_template("admin/health.html", report=cache().fresh())
