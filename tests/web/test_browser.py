"""The console's main flow in a real headless Chromium (Debian's), driven by Playwright:
log in, go available, see the caller's story appear live when a call transfers, wrap up."""

import datetime as dt
import threading

import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.store.models import Call, Callback, WrapUp

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE, NEEDS_CHROMIUM, ROOT

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


# --- phone-sized screens: nothing runs past a 390 px viewport; tables and charts scroll sideways

PHONE = {"width": 390, "height": 844}
SHOTS = ROOT / "var" / "screenshots" / "390"  # kept to compare by eye between changes
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden") return true;
    }
    return false;
  };
  const past = [];
  document.querySelectorAll("body *").forEach((el) => {
    const box = el.getBoundingClientRect();
    if (box.width > 1 && box.right > width + 0.5 && !scrolls(el)) {
      past.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}`);
    }
  });
  return {scrollWidth: document.documentElement.scrollWidth, width, past: past.slice(0, 10)};
}"""


def png_width(path):
    with open(path, "rb") as f:
        return int.from_bytes(f.read(24)[16:20], "big")


def assert_fits_a_phone(page, name):
    """Fail when the page is wider than the phone; save a full-page screenshot either way."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}.png"
    page.screenshot(path=shot, full_page=True)
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["width"], found
    assert found["past"] == [], found
    assert png_width(shot) == PHONE["width"]  # the whole page is as wide as the phone
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    for box in nav.evaluate_all("links => links.map(a => a.getBoundingClientRect().toJSON())"):
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], box  # wraps, not cut off


def test_the_dashboard_fits_a_phone_and_its_charts_stay_readable(
    app, db, make_user, browser_page, browser_log_in
):
    from voice.analytics.demo import seed_demo

    seed_demo(db, app.extensions["voice"].lines.by_name("acme-outfitters"), days=7)
    make_user("ada", "admin", "Ada Admin")
    page = browser_page
    page.set_viewport_size(PHONE)
    with serve(app) as base:
        browser_log_in(page, base, "ada")
        page.get_by_role("img", name="Calls per day, by outcome").wait_for()
        assert_fits_a_phone(page, "dashboard")
        heights = page.locator("svg.chart text").evaluate_all(
            "ts => ts.map(t => t.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 10, min(heights)  # px on screen, not 4 px


def test_the_floor_fits_a_phone(app, db, make_user, make_agent, browser_page, browser_log_in):
    from voice.routing.events import FLOOR

    floor = app.extensions["voice"].floor
    for login, name in (("bo", "Bo Diaz"), ("cy", "Cy Park-Villanueva")):
        floor.set_presence(make_agent(login, name)["id"], "available")
    make_user("ada", "admin", "Ada Admin")
    page = browser_page
    page.set_viewport_size(PHONE)
    with serve(app) as base:
        browser_log_in(page, base, "ada")
        page.goto(f"{base}/admin/floor")
        floor.set_presence(floor.agent("bo")["id"], "offline")
        app.extensions["voice"].bus.publish(FLOOR, {"type": "presence"})
        page.locator('[data-state="offline"]').first.wait_for()
        assert_fits_a_phone(page, "floor")


def test_the_console_fits_a_phone_with_a_caller_on_screen(
    app, db, make_agent, browser_page, browser_log_in
):
    from playwright.sync_api import expect

    seed_customers(db)
    make_agent("ali", "Ali Agent")
    page = browser_page
    page.set_viewport_size(PHONE)
    with serve(app) as base:
        browser_log_in(page, base, "ali")
        page.get_by_role("button", name="Available", exact=True).click()
        expect(page.locator("#live")).to_have_text("Live.")
        caller = place_call_soon(base, "someone used my card for a charge i never made")
        expect(page.locator("#call")).to_contain_text("Maria Lopez")
        caller.join(timeout=30)
        expect(page.locator("#wrapup form")).to_be_visible()
        assert_fits_a_phone(page, "console")


SUNDAY_NOON = dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC)  # 12:00 in Chicago: closed all day


def test_an_agent_sees_the_line_closed_and_calls_back_a_voicemail_outbound(
    make_app, db, tmp_path, browser_page, browser_log_in, password
):
    from playwright.sync_api import expect

    folder = tmp_path / "hours"
    folder.mkdir()
    demo = (ROOT / "callflows" / "acme-outfitters.yaml").read_text()
    (folder / "acme-outfitters.yaml").write_text(demo)  # its real hours: closed on Sundays
    app = make_app(callflows_dir=folder, twilio_rest="fake")
    floor = app.extensions["voice"].floor
    floor.clock = lambda: SUNDAY_NOON
    floor.add_agent("ali", "Ali Agent", "client:ali", ["general"], ["en"], password=password)
    seed_customers(db)
    with db.session() as s:
        call = Call(sid="CA" + "4" * 32, from_number=MARIA, to_number=DEMO_LINE,
                    callflow="acme-outfitters", started_at=SUNDAY_NOON)  # fmt: skip
        s.add(call)
        s.flush()
        s.add(Callback(call_id=call.id, callflow="acme-outfitters", number=MARIA, team="general",
                       reason="after_hours", kind="voicemail", words="voicemail: my tent leaks",
                       recording_url="https://api.twilio.com/rec/RE5",
                       requested_at=SUNDAY_NOON - dt.timedelta(minutes=55)))  # fmt: skip
    page = browser_page
    with serve(app) as base:
        browser_log_in(page, base, "ali")
        presence = page.locator("#presence")
        expect(presence).to_contain_text("Closed: opens tomorrow at 08:00 (America/Chicago time).")
        expect(presence).to_contain_text("No callers are coming")
        expect(page.locator("#live")).to_have_text("Live.")
        page.get_by_role("button", name="Available", exact=True).click()
        expect(page.locator("[data-presence]")).to_have_attribute("data-presence", "available")
        expect(presence).to_contain_text("no calls come in until the line opens")
        callbacks = page.locator("#callbacks")
        expect(callbacks).to_contain_text("Voicemail")
        expect(callbacks.get_by_role("link", name="Listen to the voicemail")).to_have_attribute(
            "href", "https://api.twilio.com/rec/RE5"
        )
        callbacks.get_by_role("button", name="Call back Maria Lopez (outbound)").click()
        pop = page.locator("#call")
        expect(pop).to_contain_text("Callback, outbound: your phone rings first")
        expect(pop).to_contain_text("They left a voicemail 2026-03-01 11:05 CST")
        expect(pop.get_by_role("link", name="Listen to the voicemail")).to_be_visible()
