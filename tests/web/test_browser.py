"""The console's main flow in a real headless Chromium (Debian's), driven by Playwright:
log in, go available, see the caller's story appear live when a call transfers, wrap up."""

import threading

import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.store.models import WrapUp

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE, NEEDS_CHROMIUM

MARIA = "+15555550100"  # a demo customer
pytestmark = NEEDS_CHROMIUM


def place_call_soon(base: str, text: str) -> threading.Thread:
    """Place a simulated call that transfers, from another thread, as a caller would."""

    def call() -> None:
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, agent=("answer",))
        twilio.call([Utter(text=text)], MARIA, DEMO_LINE)

    thread = threading.Thread(target=call, name="caller")
    thread.start()
    return thread


def test_an_agent_logs_in_goes_available_sees_the_pop_live_and_wraps_up(
    app, db, make_agent, browser_page, browser_log_in
):
    from playwright.sync_api import expect

    seed_customers(db)
    make_agent("ali", "Ali Agent")
    page = browser_page
    with serve(app) as base:
        browser_log_in(page, base, "ali")
        expect(page.get_by_role("heading", name="Console: Ali Agent")).to_be_visible()

        page.get_by_role("button", name="Available", exact=True).click()
        expect(page.locator("[data-presence]")).to_have_attribute("data-presence", "available")
        expect(page.locator("#live")).to_have_text("Live.")
        page.evaluate("window.stillTheSamePage = true")

        caller = place_call_soon(base, "someone used my card for a charge i never made")
        pop = page.locator("#call")
        expect(pop).to_contain_text("someone used my card for a charge i never made")
        expect(pop).to_contain_text("Maria Lopez")
        expect(pop).to_contain_text("Fraud: always handled by a person")
        expect(pop.locator(".flag")).to_have_count(1)
        assert page.evaluate("window.stillTheSamePage") is True  # it came live, not by reload
        caller.join(timeout=30)

        wrapup = page.locator("#wrapup")
        wrapup.get_by_label("Needs follow-up").check()
        wrapup.get_by_label("No", exact=True).check()
        wrapup.get_by_label("What would have been right?").select_option("team:care")
        wrapup.get_by_label("Notes").fill("card fraud, but she also wants to close the account")
        wrapup.get_by_role("button", name="Save wrap-up").click()
        expect(page.get_by_text("Wrap-up saved.")).to_be_visible()

    with db.session() as s:
        row = s.scalars(sa.select(WrapUp)).one()
        verdict = (row.disposition, row.routing_right, row.right_target)
        assert verdict == ("follow_up", False, "team:care")
        assert row.notes.startswith("card fraud")
