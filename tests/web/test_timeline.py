"""One call's page: what happened in plain sentences, in order, with the TwiML behind a toggle."""

import csv
import datetime as dt
import html
import io
import re

import sqlalchemy as sa
from analytics_rows import T0, add_call, add_callback, add_score, add_wrap_up
from floor_support import add_agents, set_open

from voice.sim.caller import Utter
from voice.sim.floor import CallerPlan
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.models import Call, CallEvent, QueueEntry

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE

ASKED = (("transfer", "asked_for_human", None),)
TWIML = "<Response><Say>Hi there</Say><Hangup/></Response>"


def story(page: str) -> list[str]:
    """Return the page's timeline as the sentences a reader sees (times and TwiML left out)."""
    timeline = page[page.index('<ol class="timeline">') : page.index("</ol>")]
    timeline = re.sub(r"<details.*?</details>", "", timeline, flags=re.S)
    timeline = re.sub(r'<span class="at">.*?</span>', "", timeline)  # the clock is not the story
    items = re.findall(r"<li.*?</li>", timeline, re.S)
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", li).split())) for li in items]


def place(app, monkeypatch, said, is_open=True, **plan):
    """Place one simulated call on the demo line (staffed by one agent); return its id."""
    set_open(monkeypatch, is_open)
    add_agents(app.extensions["voice"].floor, 1)
    with serve(app) as base:
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True,
                            caller=CallerPlan(**plan))  # fmt: skip
        twilio.call([Utter(text=t) for t in said], "+15555550177", DEMO_LINE)
    with app.extensions["voice"].db.session() as s:
        return s.scalars(sa.select(Call.id)).one()


def test_a_call_page_tells_its_story_in_order_in_sentences(admin_client, db):
    with db.session() as s:
        call = add_call(s, outcome="transferred", decisions=ASKED, bridged_after_s=25,
                        said="my card is [redacted] help")  # fmt: skip
        add_callback(s, call)
        add_wrap_up(s, call, routing_right=False, right_target="team:care")
        add_score(s, call, 2, path="human", channel="sms")
        sent = {"path": "/twilio/voice/next", "xml": TWIML}
        s.add(
            CallEvent(call_id=call.id, kind="twiml", at=T0 + dt.timedelta(seconds=1), detail=sent)
        )
        call_id = call.id
    page = admin_client.get(f"/admin/calls/{call_id}").text
    told = story(page)
    assert told[0] == "The caller said: my card is [redacted] help"
    assert told[1] == (
        "The assistant decided a person should take the call: asked for a person. "
        "Customer service team, normal priority"
    )
    assert "The caller heard: Hi there Then the line ended the call." in told
    assert "An agent answered at +15005550101: the caller was connected." in told
    assert any("The caller asked to be called back at +15125550001." in t for t in told)
    wrap = "The agent wrapped up: resolved; the routing was wrong; it should have gone to "
    assert any(wrap + "Customer care team." in t for t in told)
    assert any("The caller rated the person who helped 2 of 5 by text message." in t for t in told)
    escaped = "&lt;Response&gt;&lt;Say&gt;Hi there&lt;/Say&gt;&lt;Hangup/&gt;&lt;/Response&gt;"
    toggle = '<details class="twiml"><summary>TwiML sent</summary><pre class="code twiml">'
    assert toggle + escaped + "</pre></details>" in page


def test_the_timeline_downloads_as_the_same_sentences(admin_client, db):
    with db.session() as s:
        call = add_call(s, outcome="transferred", decisions=ASKED)
        s.add(CallEvent(call_id=call.id, kind="twiml", at=T0, detail={"xml": TWIML}))
        call_id = call.id
    response = admin_client.get(f"/admin/calls/{call_id}?format=csv&table=timeline")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["When", "What happened", "Words", "Detail", "TwiML"]
    assert ["The caller heard:", "Hi there", "Then the line ended the call.", TWIML] in [
        r[1:] for r in rows
    ]


def test_after_hours_the_caller_is_shown_hearing_the_hours_not_connecting(
    app, admin_client, monkeypatch
):
    call_id = place(app, monkeypatch, ["agent please"], is_open=False, voicemail="call me re tent")
    told = story(admin_client.get(f"/admin/calls/{call_id}").text)
    heard = [t for t in told if "The caller heard:" in t]
    assert any("Our team isn't available right now. We're open" in t for t in heard)
    assert not any("Connecting you" in t for t in told)
    assert any("Outside the Customer service team's opening hours" in t for t in told)
    assert any(t.endswith("The caller left a voicemail. call me re tent waiting to be called back")
               for t in told)  # fmt: skip
    assert told[-1].endswith("The call ended.")


def test_a_connected_call_shows_the_handoff_it_played_and_the_agents_whisper(
    app, admin_client, monkeypatch
):
    call_id = place(app, monkeypatch, ["agent please"])
    told = story(admin_client.get(f"/admin/calls/{call_id}").text)
    assert any("Thanks for calling Acme Outfitters. I'm an automated assistant" in t for t in told)
    handoff = "The caller heard: Connecting you with someone on our customer service team now."
    assert any(handoff in t for t in told)
    assert any("for the Customer service team; the agent heard first: A caller" in t for t in told)


def test_an_escalation_reads_in_its_title_and_team_title(app, admin_client, monkeypatch):
    call_id = place(app, monkeypatch, ["i want to buy in bulk for my company"])
    told = story(admin_client.get(f"/admin/calls/{call_id}").text)
    decided = next(t for t in told if "The assistant decided" in t)
    assert "Wholesale and bulk orders: always handled by a person" in decided
    assert "Orders and returns team" in decided and "wholesale" not in decided


def test_a_call_without_twiml_still_says_what_it_can(admin_client, db):
    with db.session() as s:
        call = add_call(s, outcome="abandoned", decisions=ASKED)
        s.add(CallEvent(call_id=call.id, kind="closed", at=T0, detail={"team": "general"}))
        answered = add_call(s, number="+15125550002")
        call_id, answered_id = call.id, answered.id
    told = story(admin_client.get(f"/admin/calls/{call_id}").text)
    assert told[-1] == (
        "Outside the Customer service team's opening hours: nobody could take the call. "
        "The caller is told the opening hours and offered a callback or a voicemail."
    )
    told = story(admin_client.get(f"/admin/calls/{answered_id}").text)
    assert told[-1] == "The assistant answered by itself: Store hours."


def test_a_queued_call_says_how_long_the_caller_waited(admin_client, db):
    with db.session() as s:
        call = add_call(s, outcome="abandoned", decisions=ASKED)
        s.add(QueueEntry(call_id=call.id, callflow=call.callflow, team="care", language="en",
                         reason="asked_for_human", status="abandoned", priority="high",
                         enqueued_at=T0, ended_at=T0 + dt.timedelta(seconds=95)))  # fmt: skip
        call_id = call.id
    told = story(admin_client.get(f"/admin/calls/{call_id}").text)
    assert "The call joined the Customer care team's queue, high priority." in told
    assert "The caller hung up while waiting in line. waited 1 min 35 s" in told
