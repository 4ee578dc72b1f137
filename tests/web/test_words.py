"""Names and reasons in words on the pages: callflow titles in the console, and filters' words."""

import pytest

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.web import words

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE


@pytest.fixture
def available(agent_client, post_form):
    """Return Ali's client (an agent on every team) after Ali went available."""
    response = post_form(agent_client, "/console/", "/console/presence", {"presence": "available"})
    assert response.status_code == 302
    return agent_client


def console_after(app, client, said: str) -> str:
    """Place a call in which the caller says `said`; return the agent's console page."""
    with serve(app) as base:
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True)
        twilio.call([Utter(text=said)], "+15555550177", DEMO_LINE)
    return client.get("/console/").text


def test_the_screen_pop_names_the_topic_and_team_by_their_titles(app, available):
    page = console_after(app, available, "i want to buy in bulk for my company")
    assert "Wholesale and bulk orders: always handled by a person" in page
    assert "<dt>Team</dt><dd>Orders and returns</dd>" in page
    assert "wholesale (sensitive topic)" not in page and ">orders<" not in page


def test_the_wrap_up_offers_intents_and_teams_by_title(app, available):
    page = console_after(app, available, "agent please")
    assert '<option value="intent:order_status">Order status</option>' in page
    assert '<option value="team:security">Account security</option>' in page


def test_a_reason_as_a_page_shows_it_finds_its_code(app):
    with app.test_request_context():
        assert words.reason_code("asked for a person") == "asked_for_human"
        shown = words.reason_words("escalation:wholesale")
        assert shown == "Wholesale and bulk orders: always handled by a person"
        assert words.reason_code(shown) == "escalation:wholesale"
        assert words.reason_code("Wholesale and bulk orders", "acme-outfitters") == (
            "escalation:wholesale"
        )
        assert words.reason_code("nothing like it") is None
        assert words.team_title("security") == "Account security"
        assert words.intent_title("order_status", "no-such-line") == "Order status"
