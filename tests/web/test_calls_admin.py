"""Admin call list: filtered, paged, and its CSV (one call's page: test_timeline.py)."""

import csv
import datetime as dt
import io
import re

import sqlalchemy as sa
from analytics_rows import T0, add_call, add_wrap_up
from floor_support import add_agents, set_open

from voice.sim.caller import Utter
from voice.sim.floor import RECORDING_S, CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE

WEEK = "start=2026-03-01&end=2026-03-07&demo=0"
ASKED = (("transfer", "asked_for_human", None),)
TWIML = "<Response><Say>Hi</Say></Response>"


def listed_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/admin/calls/(\d+)"', page)]


def test_the_list_filters_by_outcome_reason_intent_number_and_range(admin_client, db):
    with db.session() as s:
        served = add_call(s, number="+15125550001").id
        person = add_call(s, outcome="transferred", decisions=ASKED, number="+15125550002").id
        orders = add_call(s, decisions=(("answer", "intent", "order_status"),)).id
        later = add_call(s, at=T0 + dt.timedelta(days=20)).id
    get = lambda q: listed_ids(admin_client.get(f"/admin/calls?{WEEK}&{q}").text)  # noqa: E731
    assert get("") == [orders, person, served]  # newest first; the later call is out of range
    assert get("outcome=transferred") == [person]
    assert get("reason=asked_for_human") == [person]
    assert get("intent=order_status") == [orders]
    assert get("number=550002") == [person]
    month = admin_client.get("/admin/calls?start=2026-03-01&end=2026-03-31&demo=0").text
    assert later in listed_ids(month)


def test_the_list_pages_by_fifty(admin_client, db):
    with db.session() as s:
        ids = [add_call(s, at=T0 + dt.timedelta(minutes=i)).id for i in range(55)]
    first = admin_client.get(f"/admin/calls?{WEEK}").text
    assert "55 calls match" in first and "Page 1 of 2" in first
    assert listed_ids(first) == ids[::-1][:50]
    nxt = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "start=2026-03-01" in nxt
    assert listed_ids(admin_client.get(nxt).text) == ids[::-1][50:]


def test_the_csv_has_every_matching_call_with_formulas_defused(admin_client, db):
    with db.session() as s:
        for i in range(55):
            add_call(s, at=T0 + dt.timedelta(minutes=i))
        add_call(s, number='=HYPERLINK("http://evil")', outcome="transferred", decisions=ASKED)
    response = admin_client.get(f"/admin/calls?{WEEK}&format=csv&table=calls")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="calls-2026-03-01-to-2026-03-07.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["Call", "Started", "From", "Callflow"]
    assert rows[0][4:] == ["Outcome", "Reason", "Intent", "Length"]
    assert len(rows) == 1 + 56
    evil = next(r for r in rows if "HYPERLINK" in r[2])
    assert evil[2] == '\'=HYPERLINK("http://evil")' and evil[5] == "asked_for_human"
    assert next(r for r in rows[1:] if r[2] != evil[2])[2] == "'+15125550001"


def test_an_unknown_call_is_a_404(admin_client):
    assert admin_client.get("/admin/calls/424242").status_code == 404


def test_a_simulated_call_moves_the_numbers(app, admin_client, db):
    with serve(app) as base:
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True)
        said = [Utter(text="what time do you close today"), Utter()]
        twilio.call(said, "+15555550177", DEMO_LINE)
    page = admin_client.get("/admin/").text
    assert "1 call from" in page and '100% <span class="unit">self-served' in page
    with db.session() as s:
        call_id = s.scalars(sa.select(Call.id)).one()
    assert listed_ids(admin_client.get("/admin/calls").text) == [call_id]


def test_filters_take_the_words_the_page_shows(admin_client, db):
    with db.session() as s:
        person = add_call(s, outcome="transferred", decisions=ASKED).id
        callback = add_call(s, outcome="callback_requested", decisions=ASKED).id
        orders = add_call(s, decisions=(("answer", "intent", "order_status"),)).id
    get = lambda q: listed_ids(admin_client.get(f"/admin/calls?{WEEK}&{q}").text)  # noqa: E731
    assert get("reason=asked+for+a+person") == get("reason=asked_for_human") == [callback, person]
    assert get("outcome=Callback+requested") == get("outcome=callback_requested") == [callback]
    assert get("outcome=reached+a+PERSON") == [person]
    assert get("intent=Order+status") == get("intent=order_status") == [orders]
    page = admin_client.get(f"/admin/calls?{WEEK}&reason=asked_for_human").text
    assert 'name="reason" list="reasons" value="asked for a person"' in page  # shown in words
    assert '<option value="Callback requested">Callback requested</option>' in page
    unknown = admin_client.get(f"/admin/calls?{WEEK}&reason=bored").text
    assert "No reason reads &#39;bored&#39;; showing every reason." in unknown
    assert len(listed_ids(unknown)) == 3


def test_misroutes_get_their_own_list_with_where_they_should_have_gone(admin_client, db):
    with db.session() as s:
        wrong = add_call(s, outcome="transferred", decisions=ASKED, bridged_after_s=9)
        add_wrap_up(s, wrong, routing_right=False, right_target="team:care")
        right = add_call(s, outcome="transferred", decisions=ASKED, bridged_after_s=9)
        add_wrap_up(s, right)
        wrong_id = wrong.id
    page = admin_client.get(f"/admin/?{WEEK}").text
    link = re.search(r'href="([^"]+)">See those calls<', page).group(1).replace("&amp;", "&")
    listed = admin_client.get(link).text
    assert "<h1>Misrouted calls</h1>" in listed and listed_ids(listed) == [wrong_id]
    assert "Should have gone to" in listed and "Customer care team" in listed
    rows = list(csv.reader(io.StringIO(admin_client.get(link + "&format=csv").text)))
    assert rows[0][-2:] == ["Sent to team", "Should have gone to"]
    assert rows[1][-1] == "team:care"


def test_times_are_in_the_lines_timezone_and_say_so(admin_client, db):
    with db.session() as s:
        add_call(s)  # 15:00 UTC on 2 March: 9 AM in Chicago
    page = admin_client.get(f"/admin/calls?{WEEK}").text
    assert "Times in America/Chicago (C" in page and "2026-03-02 09:00 CST" in page
    rows = list(csv.reader(io.StringIO(admin_client.get(f"/admin/calls?{WEEK}&format=csv").text)))
    assert rows[1][1] == "2026-03-02T09:00:00-06:00"


def test_a_voicemail_call_shows_how_long_it_really_lasted(app, admin_client, db, monkeypatch):
    set_open(monkeypatch, False)  # after hours: the caller hears the hours and leaves a message
    add_agents(app.extensions["voice"].floor, 1)
    with serve(app) as base:
        plan = CallerPlan(voicemail="please call me about my order")
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, caller=plan)
        twilio.call([Utter(text="agent please")], "+15555550177", DEMO_LINE)
    with db.session() as s:
        call = s.scalars(sa.select(Call)).one()
    assert call.outcome == "voicemail" and call.duration_s >= RECORDING_S
    page = admin_client.get("/admin/calls?outcome=Left+a+voicemail").text
    (row,) = re.findall(r"<tr>.*?</tr>", page.split("<tbody>")[1], re.S)
    assert "Left a voicemail" in row and f">{call.duration_s} s<" in row
