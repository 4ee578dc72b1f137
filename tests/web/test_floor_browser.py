"""The floor page and the health banner in a real headless Chromium (Debian's), via Playwright."""

import datetime as dt
import secrets

import pytest

from voice.routing.events import FLOOR
from voice.sim.server import serve
from voice.store.models import Call, QueueEntry

from tests_support import DEMO_LINE, NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def floor_page(app, make_user, browser_page, browser_log_in):
    """Serve the app, log an admin in and open the floor; return (page, base URL)."""
    make_user("ada", "admin", "Ada Admin")
    with serve(app) as base:
        browser_log_in(browser_page, base, "ada")
        browser_page.goto(f"{base}/admin/floor")
        yield browser_page, base


def test_the_floor_follows_agents_and_callers_live(app, db, make_agent, floor_page):
    from playwright.sync_api import expect

    page, _ = floor_page
    bo = make_agent("bo", "Bo Diaz", teams=["general"])
    expect(page.locator("#live")).to_have_text("Live.")
    page.evaluate("window.stillTheSamePage = true")
    app.extensions["voice"].floor.set_presence(bo["id"], "available")  # Bo goes available
    row = page.locator(f'tr[data-agent="{bo["id"]}"]')
    expect(row.locator("[data-state]")).to_have_text("Available")
    with db.session() as s:
        call = Call(sid="CA" + secrets.token_hex(16), from_number="+15555550142",
                    to_number=DEMO_LINE, callflow="acme-outfitters")  # fmt: skip
        s.add(call)
        s.flush()
        joined = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=65)
        s.add(QueueEntry(call_id=call.id, callflow="acme-outfitters", team="general",
                         language="en-US", reason="asked_for_human", status="waiting",
                         enqueued_at=joined))  # fmt: skip
    app.extensions["voice"].bus.publish(FLOOR, {"type": "queue", "change": "waiting"})
    general = page.locator('[data-team="general"]')
    expect(general).to_contain_text("+15555550142")
    expect(general.locator('[data-figure="in-line"]')).to_have_text("1")
    expect(general.locator("tbody [data-since]")).to_contain_text("min")  # it ticks: over 1 min
    assert page.evaluate("window.stillTheSamePage") is True  # it came live, not by reload


def test_an_admin_takes_an_agent_offline_from_the_floor(app, make_agent, floor_page):
    from playwright.sync_api import expect

    page, _ = floor_page
    bo = make_agent("bo", "Bo Diaz", teams=["general"])
    app.extensions["voice"].floor.set_presence(bo["id"], "available")
    row = page.locator(f'tr[data-agent="{bo["id"]}"]')
    expect(row.locator("[data-state]")).to_have_text("Available")
    row.get_by_role("button", name="Set offline Bo Diaz").click()
    expect(page.get_by_role("status").first).to_contain_text("Bo Diaz is now offline.")
    expect(page.get_by_role("heading", name="Floor", exact=True)).to_be_visible()
    assert app.extensions["voice"].floor.agent(bo["id"])["presence"] == "offline"


def test_an_admin_without_an_agent_profile_follows_console_to_the_floor(floor_page):
    from playwright.sync_api import expect

    page, _ = floor_page
    page.get_by_role("link", name="Console", exact=True).click()
    expect(page.get_by_role("heading", name="Floor", exact=True)).to_be_visible()
    expect(page.get_by_text("no console of your own")).to_be_visible()


def test_every_admin_page_shows_what_is_broken_with_the_fix_and_no_request_fails(floor_page):
    from playwright.sync_api import expect

    page, base = floor_page
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    for name in ("Floor", "Calls", "Callflows", "Agents", "System health"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        banner = page.get_by_role("alert").filter(has_text="The service is degraded")
        expect(banner).to_contain_text("No speech model for en-US")
        expect(banner.locator("code")).to_have_text("voice models download en-us")
    assert failed == []  # the favicon included
    icon = page.request.get(f"{base}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
