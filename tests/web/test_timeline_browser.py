"""A call's page in a real headless Chromium: the story in words, the TwiML behind a toggle."""

import sqlalchemy as sa
from floor_support import add_agents, set_open

from voice.sim.caller import Utter
from voice.sim.floor import CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE, NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM


def test_an_after_hours_call_reads_as_what_the_caller_heard(
    app, db, make_user, browser_page, browser_log_in, monkeypatch
):
    from playwright.sync_api import expect

    make_user("ada", "admin", "Ada Admin")
    add_agents(app.extensions["voice"].floor, 1)
    set_open(monkeypatch, False)
    with serve(app) as base:
        plan = CallerPlan(voicemail="please call me about my tent return")
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, caller=plan)
        twilio.call([Utter(text="agent please")], "+15555550177", DEMO_LINE)
        with db.session() as s:
            call_id = s.scalars(sa.select(Call.id)).one()
        page = browser_page
        browser_log_in(page, base, "ada")
        page.goto(f"{base}/admin/calls/{call_id}")

        story = page.locator("ol.timeline")
        expect(page.get_by_role("heading", name="What happened")).to_be_visible()
        expect(story.locator("li", has_text="The caller said:")).to_contain_text("agent please")
        expect(story).to_contain_text("asked for a person")
        expect(story).to_contain_text("Our team isn't available right now.")
        expect(story).to_contain_text("The caller left a voicemail.")
        expect(story).not_to_contain_text("Connecting you")
        moments = story.locator("li").all_inner_texts()
        heard = next(i for i, m in enumerate(moments) if "Our team isn't available" in m)
        said = next(i for i, m in enumerate(moments) if "agent please" in m)
        left = next(i for i, m in enumerate(moments) if "left a voicemail" in m)
        assert said < heard < left  # in the order the caller lived it

        twiml = story.locator("details.twiml").nth(1)
        expect(twiml.locator("pre")).to_be_hidden()
        twiml.locator("summary").click()
        expect(twiml.locator("pre")).to_be_visible()
        expect(twiml.locator("pre")).to_contain_text("<Gather")
