"""An admin can always change an agent's presence, even one stuck on a call that ended unseen."""

import sqlalchemy as sa
from floor_support import ask

from voice.store.models import CallEvent


def stuck(app, make_agent):
    """Return an agent on a call whose final status callback never arrived."""
    floor = app.extensions["voice"].floor
    agent = make_agent("bo", "Bo Diaz")
    floor.set_presence(agent["id"], "available")
    ask(app.extensions["voice"], "agent please")
    assert floor.agent(agent["id"])["presence"] == "on_call"
    return agent


def test_an_admin_frees_an_agent_stuck_on_a_call(admin_client, app, make_agent, post_form, db):
    agent = stuck(app, make_agent)
    page = admin_client.get("/admin/agents").text
    assert "Clear the call and set available" in page
    url = f"/admin/agents/{agent['id']}/presence"
    response = post_form(admin_client, "/admin/agents", url, {"presence": "available"})
    assert response.status_code == 302
    assert "Bo Diaz is now available." in admin_client.get("/admin/agents").text
    floor = app.extensions["voice"].floor
    assert floor.agent(agent["id"])["presence"] == "available"
    with db.session() as s:
        event = s.scalars(sa.select(CallEvent).where(CallEvent.kind == "presence_override")).one()
        assert event.detail["by"] == "admin ada" and event.detail["from"] == "on_call"


def test_the_override_needs_the_forms_csrf_token(admin_client, app, make_agent):
    agent = stuck(app, make_agent)
    response = admin_client.post(
        f"/admin/agents/{agent['id']}/presence", data={"presence": "available"}
    )
    assert response.status_code == 400
    assert app.extensions["voice"].floor.agent(agent["id"])["presence"] == "on_call"


def test_an_agent_cannot_override_anyones_presence(client, app, make_agent, log_in, csrf_of):
    agent = stuck(app, make_agent)
    assert log_in(client, "bo").status_code == 302
    token = csrf_of(client.get("/console/").text)
    response = client.post(
        f"/admin/agents/{agent['id']}/presence",
        data={"presence": "available", "csrf_token": token},
    )
    assert response.status_code == 403
    assert app.extensions["voice"].floor.agent(agent["id"])["presence"] == "on_call"
