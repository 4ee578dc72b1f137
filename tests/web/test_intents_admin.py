"""'Where automation hurts': the per-intent table, and sending an intent to people from it."""

import csv
import datetime as dt
import io
import re

import pytest
from analytics_rows import T0, add_call

WEEK = "start=2026-03-01&end=2026-03-14&demo=0"
DEMO = "acme-outfitters.yaml"
PREVIEW, APPLY = "/admin/intents/send-to-people", "/admin/intents/send-to-people/apply"
GIVE_BACK, GIVE_BACK_APPLY = "/admin/intents/give-back", "/admin/intents/give-back/apply"


@pytest.fixture
def order_status_hurts(db):
    """Ten answered order_status callers who all rang back within hours; ten helped by people."""
    answered = (("answer", "intent", "order_status"),)
    to_person = (("transfer", "lookup_failed", "order_status"),)
    with db.session() as s:
        for i in range(11):
            add_call(s, at=T0 + dt.timedelta(hours=i), decisions=answered, number="+15125550100")
        for i in range(10):
            add_call(s, at=T0 + dt.timedelta(hours=i), decisions=to_person, outcome="transferred",
                     number=f"+1512555020{i}", bridged_after_s=30)  # fmt: skip
        add_call(s, number="+15125550300")  # store_hours, answered once


def test_intents_where_automation_does_worse_are_highlighted_with_why(
    admin_client, order_status_hurts
):
    page = admin_client.get(f"/admin/intents?{WEEK}").text
    hurting = re.findall(r'<tr class="hurts">\s*<th scope="row">([^<]+)</th>', page)
    assert hurting == ["Order status"]
    row = re.search(r'<tr class="hurts">.*?</tr>', page, re.S).group(0)
    assert "91% of callers the assistant answered called again within 7 days" in row
    assert "against 0% after a person" in row
    assert '<th scope="row">Store hours</th>' in page
    dashboard = admin_client.get(f"/admin/?{WEEK}").text
    assert re.search(r'class="big">1 <span class="unit">intent where automation hurts', dashboard)


def test_the_intent_table_downloads_as_csv(admin_client, order_status_hurts):
    response = admin_client.get(f"/admin/intents?{WEEK}&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    first = rows[0]
    assert (first["Intent"], first["Calls"], first["Automation hurts"]) == (
        "order_status",
        "21",
        "true",
    )
    assert (first["… after the assistant"], first["… after a person"]) == ("0.9091", "0")


def preview(client, post_form, **extra):
    data = {"callflow": "acme-outfitters", "intent": "price_match", **extra}
    return post_form(client, "/admin/intents", PREVIEW, data)


def hidden_fields(html: str, action: str) -> dict:
    """Return the hidden fields of the page's form that posts to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))


def words_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def test_send_to_people_says_what_callers_will_hear_and_writes_only_when_confirmed(
    admin_client, post_form, csrf_of, open_callflows, app, db
):
    with db.session() as s:
        add_call(s, decisions=(("answer", "intent", "price_match"),))
    button = 'aria-label="Send to people: Price match"'
    assert button in admin_client.get(f"/admin/intents?{WEEK}").text
    before = (open_callflows / DEMO).read_text()
    page = preview(admin_client, post_form)
    assert page.status_code == 200
    said = words_of(page.text)
    assert "Send Price match to people" in said
    assert "Today The assistant answers them itself: Yes. We match the price" in said
    assert ("After this change They hear Connecting you with someone on our customer service "
            "team now. and go to the Customer service team") in said  # fmt: skip
    assert "open callflows" not in said and str(open_callflows) not in page.text  # no server path
    assert (open_callflows / DEMO).read_text() == before  # nothing written yet
    fields = hidden_fields(page.text, APPLY)
    done = admin_client.post(APPLY, data=fields | {"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200
    assert "Callers asking about Price match now go to the Customer service team." in done.text
    assert (open_callflows / DEMO).read_text().replace("    to_people: true\n", "", 1) == before
    assert app.extensions["voice"].lines.by_name("acme-outfitters").intents["price_match"].to_people
    intents = admin_client.get(f"/admin/intents?{WEEK}").text
    assert button not in intents
    assert 'aria-label="Give back to the assistant: Price match"' in intents


def test_choosing_a_team_says_where_callers_go(admin_client, post_form):
    page = preview(admin_client, post_form, team="orders")
    assert "and go to the <strong>Orders and returns</strong> team" in page.text
    assert '<option value="orders" selected>Orders and returns</option>' in page.text
    assert '<span class="add">+    team: orders</span>' in page.text  # behind the toggle


def test_undo_gives_the_intent_back_and_restores_the_file(
    admin_client, post_form, csrf_of, open_callflows, app, caplog
):
    caplog.set_level("INFO", logger="voice.audit")
    path = open_callflows / DEMO
    before = path.read_text()
    page = preview(admin_client, post_form, team="orders")
    done = admin_client.post(APPLY, data=hidden_fields(page.text, APPLY) | {
        "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert path.read_text() != before
    undo = hidden_fields(done.text, GIVE_BACK_APPLY)
    assert "Undo: give Price match back to the assistant" in done.text
    back = admin_client.post(GIVE_BACK_APPLY, data=undo | {"csrf_token": csrf_of(done.text)})
    assert back.status_code == 200
    assert "The assistant answers callers asking about Price match again." in back.text
    assert path.read_text() == before
    line = app.extensions["voice"].lines.by_name("acme-outfitters")
    assert not line.intents["price_match"].to_people
    assert [r.getMessage() for r in caplog.records if r.name == "voice.audit"] == [
        "ada: price_match on acme-outfitters sent to people (team orders)",
        "ada: price_match on acme-outfitters given back to the assistant (team default)",
    ]


def test_an_intent_the_file_sends_to_people_can_be_given_back_from_the_intents_page(
    admin_client, post_form, csrf_of, open_callflows, app, db
):
    path = open_callflows / DEMO
    path.write_text(path.read_text().replace(
        "  rentals:\n", "  rentals:\n    to_people: true\n    team: orders\n"))  # fmt: skip
    app.extensions["voice"].lines.reload()
    with db.session() as s:
        add_call(s, decisions=(("transfer", "sent_to_people", "rentals"),))
    page = post_form(admin_client, f"/admin/intents?{WEEK}", GIVE_BACK,
                     {"callflow": "acme-outfitters", "intent": "rentals"})  # fmt: skip
    said = words_of(page.text)
    assert "Give Rentals back to the assistant" in said
    assert "go to the Orders and returns team" in said
    assert "After this change The assistant answers them itself: We rent tents" in said
    fields = hidden_fields(page.text, GIVE_BACK_APPLY)
    back = admin_client.post(GIVE_BACK_APPLY, data=fields | {"csrf_token": csrf_of(page.text)})
    assert back.status_code == 200
    assert "to_people" not in path.read_text()
    again = post_form(admin_client, "/admin/intents", GIVE_BACK,
                      {"callflow": "acme-outfitters", "intent": "rentals"})  # fmt: skip
    assert (
        again.status_code == 400
        and "Rentals on acme-outfitters is already answered by the assistant" in again.text
    )


def test_an_intent_sent_to_people_with_no_calls_can_still_be_given_back(
    admin_client, open_callflows, app
):
    path = open_callflows / DEMO
    path.write_text(path.read_text().replace("  rentals:\n", "  rentals:\n    to_people: true\n"))
    app.extensions["voice"].lines.reload()
    page = admin_client.get(f"/admin/intents?{WEEK}").text
    assert "No calls about an intent in this range." in page
    quiet = page[page.index('id="quiet-title"') :]
    assert "Rentals" in quiet and 'aria-label="Give back to the assistant: Rentals"' in quiet
    assert hidden_fields(quiet, GIVE_BACK) == {"callflow": "acme-outfitters", "intent": "rentals"}


def test_giving_back_needs_the_csrf_token(admin_client, open_callflows):
    path = open_callflows / DEMO
    path.write_text(path.read_text().replace("  rentals:\n", "  rentals:\n    to_people: true\n"))
    before = path.read_text()
    data = {"callflow": "acme-outfitters", "intent": "rentals", "fingerprint": "x"}
    assert admin_client.post(GIVE_BACK, data=data).status_code == 400
    assert admin_client.post(GIVE_BACK_APPLY, data=data).status_code == 400
    assert path.read_text() == before


def test_sending_to_people_needs_the_csrf_token(admin_client, open_callflows):
    before = (open_callflows / DEMO).read_text()
    data = {"callflow": "acme-outfitters", "intent": "price_match", "fingerprint": "x"}
    assert admin_client.post(PREVIEW, data=data).status_code == 400
    assert admin_client.post(APPLY, data=data).status_code == 400
    assert (open_callflows / DEMO).read_text() == before


def test_a_file_changed_since_the_preview_is_not_overwritten(
    admin_client, post_form, csrf_of, open_callflows
):
    page = preview(admin_client, post_form)
    fields = hidden_fields(page.text, APPLY)
    path = open_callflows / DEMO
    path.write_text(path.read_text() + "# an operator's note\n")
    edited = path.read_text()
    refused = admin_client.post(APPLY, data=fields | {"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 400
    assert "changed after you reviewed this change" in refused.text
    assert path.read_text() == edited


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"team": "nobody"}, "team &#39;nobody&#39; is not in teams"),
        ({"intent": "teleport"}, "intents.teleport: no such intent"),
        ({"callflow": "nope"}, "callflow &#39;nope&#39; is not loaded"),
    ],
)
def test_a_change_that_cannot_be_made_is_explained_and_nothing_written(
    admin_client, post_form, open_callflows, extra, says
):
    before = (open_callflows / DEMO).read_text()
    refused = preview(admin_client, post_form, **extra)
    assert refused.status_code == 400
    assert "Nothing was changed" in refused.text and says in refused.text
    assert (open_callflows / DEMO).read_text() == before
    assert not [p.name for p in open_callflows.iterdir() if p.name != DEMO]  # no copies left
