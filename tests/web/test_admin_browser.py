"""The admin dashboard in a real headless Chromium (Debian's), driven by Playwright: log in,
the SVG charts render with data, a CSV downloads, and "Send to people" is previewed in words
and undone."""

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
    expect(daily.locator("polygon")).to_have_count(6)  # one per outcome, always the same colour
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
    expect(funnel.locator("rect.stage")).to_have_count(1)  # greeted; below it, boxes by outcome


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


def test_send_to_people_previews_in_words_and_the_undo_restores_the_line(
    admin_site, app, open_callflows
):
    from playwright.sync_api import expect

    page, base = admin_site
    path = open_callflows / "acme-outfitters.yaml"
    before = path.read_text()
    page.goto(f"{base}/admin/intents")
    hurting = page.locator("tr.hurts th")
    expect(hurting.first).to_be_visible()
    title = hurting.first.inner_text()
    assert "_" not in title  # a title, not the intent's key
    page.get_by_role("button", name=f"Send to people: {title}").click()

    words = page.locator(".change-words")
    expect(words).to_contain_text("The assistant answers them itself")
    expect(words).to_contain_text("Connecting you with someone on our customer service team now.")
    page.get_by_label("Team that takes these calls").select_option(label="Orders and returns")
    page.get_by_role("button", name="Show what changes with this team").click()
    expect(words).to_contain_text("go to the Orders and returns team")
    expect(page.locator("pre.diff")).to_be_hidden()  # the file's change only behind its toggle
    expect(page.locator("main")).not_to_contain_text(str(open_callflows))
    assert path.read_text() == before

    page.get_by_role("button", name=f"Send {title} to people").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Callers asking about {title} now go to the Orders and returns team."
    )
    key = next(k for k, i in app.extensions["voice"].lines.by_name("acme-outfitters")
               .intents.items() if i.to_people)  # fmt: skip
    assert path.read_text() != before

    page.get_by_role("button", name=f"Undo: give {title} back to the assistant").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"The assistant answers callers asking about {title} again."
    )
    assert path.read_text() == before
    assert not app.extensions["voice"].lines.by_name("acme-outfitters").intents[key].to_people
    page.goto(f"{base}/admin/intents")
    expect(page.get_by_role("button", name=f"Send to people: {title}")).to_be_visible()
