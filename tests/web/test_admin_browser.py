"""The admin dashboard in a real headless Chromium (Debian's), driven by Playwright: log in,
the SVG charts render with data and a CSV downloads (send to people: test_intents_browser.py)."""

import csv
import io
from pathlib import Path

import pytest

from voice.analytics.demo import seed_demo
from voice.sim.server import serve

from tests_support import NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def admin_site(app, db, make_user, browser_page, browser_log_in):
    """Serve the app with a week of demo calls; log an admin in; return (page, base URL)."""
    seed_demo(db, app.extensions["voice"].lines.by_name("acme-outfitters"), days=7)
    make_user("ada", "admin", "Ada Admin")
    with serve(app) as base:
        page = browser_page
        browser_log_in(page, base, "ada")
        yield page, base


def test_the_dashboard_draws_its_charts_from_the_calls(admin_site):
    from playwright.sync_api import expect

    page, _ = admin_site
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".demo-banner")).to_contain_text("Demo data.")
    daily = page.get_by_role("img", name="Calls per day, by outcome")
    expect(daily).to_be_visible()
    expect(daily.locator("polygon")).to_have_count(3)
    assert daily.bounding_box()["height"] > 150
    reasons = page.get_by_role("img", name="Why callers went to a person")
    table_rows = page.locator("#table-reasons tbody tr")
    expect(reasons.locator("rect")).to_have_count(table_rows.count())
    assert table_rows.count() >= 3
    widths = [
        float(w)
        for w in reasons.locator("rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")
    ]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0
    funnel = page.get_by_role("img", name="From greeting to outcome")
    expect(funnel.locator("rect.stage")).to_have_count(2)


def test_a_table_downloads_as_csv_with_its_header(admin_site):
    page, _ = admin_site
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV: Transfers to a person, by reason").click()
    download = info.value
    assert download.suggested_filename.startswith(
        "reasons-"
    ) and download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert rows[0] == ["Reason", "Calls", "Of all calls", "Of transfers", "Reached a person"]
    assert len(rows) > 2 and all(int(r[1]) > 0 for r in rows[1:])
