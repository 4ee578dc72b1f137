"""Teaching the assistant in a real headless Chromium: preview a call's words, accept, undo."""

import datetime as dt

import pytest
from analytics_rows import add_call, add_wrap_up

from voice.sim.server import serve

from tests_support import NEEDS_CHROMIUM

pytestmark = NEEDS_CHROMIUM
LOCK_UP = "when do you lock up tonight"  # the demo line sends it to a person: no confident match


@pytest.fixture
def teach_site(app, db, make_user, browser_page, browser_log_in):
    """Serve the app with one call an agent labelled store hours; log an admin in."""
    with db.session() as s:
        at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
        call = add_call(s, at=at, said=LOCK_UP, decisions=(("transfer", "no_match", None),),
                        outcome="transferred")  # fmt: skip
        add_wrap_up(s, call, routing_right=False, right_target="intent:store_hours")
    make_user("ada", "admin", "Ada Admin")
    with serve(app) as base:
        page = browser_page
        browser_log_in(page, base, "ada")
        yield page


def test_an_admin_previews_accepts_and_undoes_an_example_from_a_call(
    teach_site, app, open_callflows
):
    from playwright.sync_api import expect

    page = teach_site
    path = open_callflows / "acme-outfitters.yaml"
    before = path.read_text()
    page.get_by_role("link", name="Teach", exact=True).click()
    expect(page.get_by_role("heading", name="Teach the assistant")).to_be_visible()
    expect(page.get_by_role("heading", name="closest to: Store hours")).to_be_visible()
    page.get_by_role("button", name=f"Preview: {LOCK_UP} as an example of Store hours").click()
    expect(page.locator("#figures-after")).to_have_text(
        "1/1 answerable answered, 0 answered wrongly"
    )
    expect(page.locator("#changed tbody tr")).to_contain_text(LOCK_UP)
    expect(page.locator("pre.diff .add")).to_have_text(f"+      - {LOCK_UP}")
    assert path.read_text() == before
    page.get_by_role("button", name="Accept: add this example").click()
    expect(page.get_by_role("status").first).to_contain_text(f'Taught acme-outfitters: "{LOCK_UP}"')
    assert f"      - {LOCK_UP}\n" in path.read_text()
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert LOCK_UP in line.intents["store_hours"].examples
    page.get_by_role("button", name=f"Undo: {LOCK_UP}").click()
    expect(page.get_by_role("status").first).to_contain_text(f'Undone: "{LOCK_UP}"')
    assert path.read_text() == before
    expect(page.get_by_role("button", name=f"Undo: {LOCK_UP}")).to_have_count(0)
