"""The dashboard and call list in a real headless Chromium, checked against the database.

A seeded demo week on the real opening hours, then simulated calls of every kind through the
real webhooks: answered by the assistant, reached a person, a callback from the line, hung up
in line, and after hours a callback and a voicemail. Every number the admin reads must be the
database's.
"""

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from floor_support import add_agents, set_open

from voice.analytics.demo import seed_demo
from voice.calls.outcomes import OUTCOMES
from voice.flow import load_callflow
from voice.sim.caller import Utter
from voice.sim.floor import RECORDING_S, CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call

from conftest import AUTH_TOKEN, ROOT
from tests_support import DEMO_LINE, NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM
CHICAGO = ZoneInfo("America/Chicago")


def place(base: str, caller: str, *said: str, **plan) -> None:
    twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, caller=CallerPlan(**plan))
    twilio.call([Utter(text=text) if text else Utter() for text in said], caller, DEMO_LINE)


@pytest.fixture
def floor_day(app, db, make_user, browser_page, browser_log_in, monkeypatch):
    """Serve a demo week and one call of every kind; log an admin in; return (page, base)."""
    seed_demo(db, load_callflow(ROOT / "callflows" / "acme-outfitters.yaml"), days=7)
    make_user("ada", "admin", "Ada Admin")
    add_agents(app.extensions["voice"].floor, 1)
    set_open(monkeypatch, True)
    with serve(app) as base:
        place(base, "+15555550201", "what time do you close today", "")  # self-served
        place(base, "+15555550202", "agent please")  # the one agent takes it, and stays busy
        place(base, "+15555550203", "agent please", callback=True)  # in line: "call me back"
        place(base, "+15555550204", "agent please", queue_wait_s=0.5)  # hangs up in line
        set_open(monkeypatch, False)
        place(base, "+15555550205", "agent please", callback=True)  # after hours
        place(base, "+15555550206", "agent please", voicemail="call me about my tent")
        browser_log_in(browser_page, base, "ada")
        yield browser_page, base


def stored(db, first: dt.date, last: dt.date, demo: bool) -> Counter:
    """Return the outcomes of the calls the page counts, straight from the database."""
    start = dt.datetime.combine(first, dt.time(), CHICAGO)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CHICAGO)
    with db.session() as s:
        rows = s.execute(
            sa.select(Call.outcome).where(
                Call.started_at >= start, Call.started_at < end, Call.demo.is_(False) | demo
            )
        ).all()
    return Counter(outcome for (outcome,) in rows)


def headline(page) -> dict[str, str]:
    cells = page.locator("#table-headline tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
    )
    return {row[0]: row[1] for row in cells}


def check_dashboard(page, db, demo: bool) -> Counter:
    """Compare the dashboard's figures with the database's; return the stored outcomes."""
    from playwright.sync_api import expect

    summary = page.locator("p.muted", has_text="Days and times in").inner_text()
    first, last = (dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d\d-\d\d", summary))
    assert last == dt.datetime.now(CHICAGO).date()  # the range ends today on the line's clock
    assert "America/Chicago" in summary
    found = stored(db, first, last, demo)
    total = sum(found.values())
    assert summary.startswith(f"{total:,} call{'' if total == 1 else 's'} from")
    figures = headline(page)
    assert figures["Calls"] == f"{total:,}"
    for code, label in OUTCOMES.items():
        assert figures[label] == f"{found[code]:,}", label
    daily = page.get_by_role("img", name="Calls per day, by outcome")
    for code, label in OUTCOMES.items():
        unit = "call" if found[code] == 1 else "calls"
        expect(daily.locator(f"polygon.outcome-{code}")).to_have_attribute(
            "aria-label", f"{label}: {found[code]:g} {unit}"
        )
    funnel = {
        row[0]: int(row[1].replace(",", ""))
        for row in page.locator("#table-funnel tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
        )
    }
    assert funnel["Greeted"] == total
    assert (
        funnel["Hung up before a decision"] + funnel["Hung up before a person"]
        == found["abandoned"]
    )
    for code in ("transferred", "callback_requested", "voicemail"):
        assert funnel[OUTCOMES[code]] == found[code], code
    fast = page.locator("section#q-fast, section:has(#q-fast)").first.inner_text()
    assert f"of {found['callback_requested']} done" in fast
    return found


def test_the_dashboard_shows_the_databases_numbers_for_every_kind_of_call(floor_day, db):
    from playwright.sync_api import expect

    page, _ = floor_day
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    real = check_dashboard(page, db, demo=False)
    assert real == Counter({"self_served": 1, "transferred": 1, "callback_requested": 2,
                            "abandoned": 1, "voicemail": 1})  # fmt: skip
    page.get_by_label("Demo data").select_option(label="Include demo calls")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".demo-banner")).to_contain_text("Demo data.")
    both = check_dashboard(page, db, demo=True)
    assert both["callback_requested"] > real["callback_requested"] and both["voicemail"] > 1


def test_the_call_list_finds_calls_by_the_words_it_shows_in_the_lines_time(floor_day, db):
    from playwright.sync_api import expect

    page, base = floor_day
    page.goto(f"{base}/admin/calls")
    expect(page.get_by_text("Times in America/Chicago")).to_be_visible()
    page.get_by_label("Outcome").select_option(label="Callback requested")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("2 calls match")).to_be_visible()
    rows = page.locator("#table-calls tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Callback requested")
    page.get_by_label("Outcome").select_option(label="Any")
    page.get_by_label("Reason").fill("asked for a person")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("5 calls match")).to_be_visible()  # all but the self-served one
    with db.session() as s:
        newest = s.scalars(
            sa.select(Call).where(Call.demo.is_(False)).order_by(Call.started_at.desc())
        ).first()
    shown = newest.started_at.astimezone(CHICAGO).strftime("%Y-%m-%d %H:%M %Z")
    expect(rows.first).to_contain_text(shown)
    expect(rows.first).to_contain_text("Left a voicemail")
    length = int(re.search(r"(\d+) s", rows.first.locator("td").last.inner_text()).group(1))
    assert length == newest.duration_s >= RECORDING_S  # the message counts, not "0 s"


def test_see_those_calls_opens_the_misrouted_calls(floor_day, db):
    from playwright.sync_api import expect

    page, base = floor_day
    page.goto(f"{base}/admin/?demo=1")
    card = page.locator("section", has=page.locator("#q-wrong"))
    wrong = int(card.locator("p.big").inner_text().split()[0])
    card.get_by_role("link", name="See those calls").click()
    expect(page.get_by_role("heading", name="Misrouted calls")).to_be_visible()
    expect(page.get_by_text(f"{wrong} call{'' if wrong == 1 else 's'} match")).to_be_visible()
    expect(page.locator("#table-calls thead")).to_contain_text("Should have gone to")
