"""Admin agent pages: add, edit and set presence through the floor, shared with `voice agents`."""

import re

import sqlalchemy as sa

from voice.store.models import Agent, AgentSkill

NEW_AGENT = {
    "name": "Maria Ortiz",
    "login": "maria",
    "password": "a long password",
    "address": "+15125550100",
    "teams": ["care", "security"],
    "languages": "en, es",
    "wrap_up_s": "45",
}


def skills(db):
    with db.session() as s:
        rows = s.execute(sa.select(AgentSkill.kind, AgentSkill.value).order_by(AgentSkill.id))
        return [tuple(r) for r in rows]


def test_an_admin_adds_an_agent_who_can_then_log_in(admin_client, post_form, db, app, log_in):
    response = post_form(admin_client, "/admin/agents", "/admin/agents", NEW_AGENT)
    assert response.status_code == 302
    listed = admin_client.get("/admin/agents").text
    assert "Added Maria Ortiz (maria)" in listed
    assert "+15125550100" in listed and "care, security" in listed and "en, es" in listed
    with db.session() as s:
        agent = s.scalars(sa.select(Agent)).one()
        assert (agent.presence, agent.wrap_up_s) == ("offline", 45)
    assert log_in(app.test_client(), "maria", "a long password").status_code == 302


def test_adding_an_agent_with_a_bad_address_says_how_to_write_one(admin_client, post_form, db):
    bad = {**NEW_AGENT, "address": "maria's desk"}
    response = post_form(admin_client, "/admin/agents", "/admin/agents", bad)
    assert response.status_code == 400
    assert "use a +E.164 number" in response.text
    with db.session() as s:
        assert s.scalars(sa.select(Agent)).first() is None


def test_adding_an_agent_with_a_login_in_use_is_refused(admin_client, post_form):
    response = post_form(
        admin_client, "/admin/agents", "/admin/agents", {**NEW_AGENT, "login": "ada"}
    )
    assert response.status_code == 400
    assert "already exists" in response.text


def test_an_admin_changes_an_agents_teams_languages_and_address(
    admin_client, make_agent, post_form, db
):
    agent = make_agent("bo", "Bo Diaz", teams=("general",))
    url = f"/admin/agents/{agent['id']}"
    form = admin_client.get(url).text
    assert 'value="client:bo"' in form and re.search(r'<input checked[^>]*value="general"', form)
    changes = {"name": "Bo Diaz", "address": "sip:bo@pbx.example.com", "teams": ["orders"]}
    changes |= {"languages": "en ko", "wrap_up_s": "10"}
    assert post_form(admin_client, url, url, changes).status_code == 302
    assert skills(db) == [("team", "orders"), ("language", "en"), ("language", "ko")]
    with db.session() as s:
        assert s.get(Agent, agent["id"]).address == "sip:bo@pbx.example.com"


def test_a_team_no_callflow_has_cannot_be_given(admin_client, make_agent, post_form):
    agent = make_agent("bo")
    url = f"/admin/agents/{agent['id']}"
    changes = {"name": "Bo", "address": "client:bo", "teams": ["astronauts"]}
    changes |= {"languages": "en", "wrap_up_s": "10"}
    response = post_form(admin_client, url, url, changes)
    assert response.status_code == 400
    assert "'astronauts' is not a valid choice" in response.text.replace("&#39;", "'")


def test_an_admin_sets_an_agent_available_and_offline(admin_client, make_agent, post_form, db):
    agent = make_agent("bo")
    url = f"/admin/agents/{agent['id']}/presence"
    post_form(admin_client, "/admin/agents", url, {"presence": "available"})
    assert "Bo is now available" in admin_client.get("/admin/agents").text
    post_form(admin_client, "/admin/agents", url, {"presence": "offline"})
    with db.session() as s:
        assert s.get(Agent, agent["id"]).presence == "offline"


def test_an_unknown_agent_is_a_404(admin_client):
    assert admin_client.get("/admin/agents/999").status_code == 404
