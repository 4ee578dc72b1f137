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
    hurting = re.findall(r'<tr class="hurts">\s*<th scope="row">(\w+)</th>', page)
    assert hurting == ["order_status"]
    row = re.search(r'<tr class="hurts">.*?</tr>', page, re.S).group(0)
    assert "91% of callers the assistant answered called again within 7 days" in row
    assert "against 0% after a person" in row
    assert '<th scope="row">store_hours</th>' in page
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


def test_send_to_people_shows_the_diff_first_and_writes_only_when_confirmed(
    admin_client, post_form, csrf_of, open_callflows, app, db
):
    with db.session() as s:
        add_call(s, decisions=(("answer", "intent", "price_match"),))
    button = 'aria-label="Send to people: price_match"'
    assert button in admin_client.get(f"/admin/intents?{WEEK}").text
    before = (open_callflows / DEMO).read_text()
    page = preview(admin_client, post_form)
    assert page.status_code == 200
    assert '<span class="add">+    to_people: true</span>' in page.text
    assert (open_callflows / DEMO).read_text() == before  # nothing written yet
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    done = admin_client.post(APPLY, data=fields | {"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200
    assert "price_match on acme-outfitters now goes to people" in done.text
    assert '<span class="add">+    to_people: true</span>' in done.text
    assert (open_callflows / DEMO).read_text().replace("    to_people: true\n", "", 1) == before
    assert app.extensions["voice"].lines.by_name("acme-outfitters").intents["price_match"].to_people
    intents = admin_client.get(f"/admin/intents?{WEEK}").text
    assert '<th scope="row">price_match</th>' in intents and button not in intents


def test_choosing_a_team_adds_it_to_the_diff(admin_client, post_form):
    page = preview(admin_client, post_form, team="orders")
    assert '<span class="add">+    team: orders</span>' in page.text


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
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
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
