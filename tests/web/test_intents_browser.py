"""Send to people and its undo in a real headless Chromium: a preview in words, then give back."""

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
        browser_log_in(browser_page, base, "ada")
        yield browser_page, base


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
