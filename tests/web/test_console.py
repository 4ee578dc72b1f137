"""The agent console: presence, the caller's story on screen, wrap-up, callbacks."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from voice.sim.caller import Utter
from voice.sim.server import serve
from voice.sim.twilio import FakeTwilio
from voice.store.demo import seed_customers
from voice.store.models import Agent, Call, Callback, CallEvent, WrapUp, utcnow
from voice.telephony.inputs import call_state

from conftest import AUTH_TOKEN
from tests_support import DEMO_LINE, ROOT, incoming_params

MARIA = "+15555550100"  # a demo customer


def place_call(app, text, caller=MARIA):
    """Place a whole simulated call that a person answers; return the report."""
    with serve(app) as base:
        twilio = FakeTwilio(base, AUTH_TOKEN, fast=True, simulated_text=True, agent=("answer",))
        return twilio.call([Utter(text=text)], caller, DEMO_LINE)


@pytest.fixture
def available(agent_client, post_form):
    """Return Ali's client after Ali went available on the console."""
    response = post_form(agent_client, "/console/", "/console/presence", {"presence": "available"})
    assert response.status_code == 302
    return agent_client


def ticket_of(html):
    return re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)


def test_the_console_shows_the_agents_presence_and_that_no_call_is_on(agent_client):
    page = agent_client.get("/console/").text
    assert 'data-presence="offline"' in page
    assert "No call right now" in page
    assert 'aria-live="polite"' in page


def test_going_available_then_offline_from_the_console(available, post_form, db):
    assert 'data-presence="available"' in available.get("/console/").text
    post_form(available, "/console/", "/console/presence", {"presence": "offline"})
    with db.session() as s:
        assert s.scalars(sa.select(Agent.presence)).one() == "offline"


def test_an_agent_cannot_set_themselves_on_a_call(agent_client, post_form, db):
    post_form(agent_client, "/console/", "/console/presence", {"presence": "on_call"})
    assert "Choose available or offline" in agent_client.get("/console/").text
    with db.session() as s:
        assert s.scalars(sa.select(Agent.presence)).one() == "offline"


def test_a_transferred_call_shows_who_called_what_they_said_why_and_flags(app, available, db):
    seed_customers(db)
    report = place_call(app, "someone used my card for a charge i never made")
    assert report.decisions()[0]["reason"] == "escalation:fraud"
    page = available.get("/console/").text
    assert "Maria Lopez" in page and MARIA in page
    assert "someone used my card for a charge i never made" in page
    assert "Fraud: always handled by a person" in page
    assert 'class="flag"' in page
    assert "priority-urgent" in page
    assert "Waited" in page and "Calls in the last 30 days" in page


def test_the_state_endpoint_returns_each_part_for_the_script_to_swap_in(app, available, db):
    place_call(app, "agent please")
    state = available.get("/console/state").json
    assert set(state) == {"presence", "call", "wrapup", "callbacks", "wrapup_key"}
    assert "asked for a person" in state["call"]
    assert state["wrapup_key"] == str(db_call_id(db))
    assert "Save wrap-up" in state["wrapup"]


def db_call_id(db):
    with db.session() as s:
        return s.scalars(sa.select(Call.id)).one()


def test_a_wrap_up_is_stored_with_the_routing_verdict_and_frees_the_agent(
    app, available, post_form, db, csrf_of
):
    place_call(app, "representative, i want to return a tent")
    page = available.get("/console/").text
    answer = {
        "ticket": ticket_of(page),
        "disposition": "follow_up",
        "routing_right": "no",
        "right_target": "intent:return_policy",
        "notes": "wanted the return policy; the assistant could have answered",
    }
    response = available.post("/console/wrap-up", data={**answer, "csrf_token": csrf_of(page)})
    assert response.status_code == 302
    with db.session() as s:
        row = s.scalars(sa.select(WrapUp)).one()
        verdict = (row.disposition, row.routing_right, row.right_target)
        assert verdict == ("follow_up", False, "intent:return_policy")
        assert row.notes.startswith("wanted the return policy")
        assert s.scalars(sa.select(Agent.presence)).one() == "available"
    assert "Wrap-up saved" in available.get("/console/").text


def test_a_wrap_up_needs_a_disposition_and_a_routing_verdict(app, available, db, csrf_of):
    place_call(app, "agent")
    page = available.get("/console/").text
    data = {"ticket": ticket_of(page), "csrf_token": csrf_of(page), "notes": "x"}
    available.post("/console/wrap-up", data=data)
    assert "Wrap-up not saved" in available.get("/console/").text
    with db.session() as s:
        assert s.scalars(sa.select(WrapUp)).first() is None


def test_a_wrap_up_for_a_call_that_is_not_yours_is_refused(available, db, csrf_of):
    page = available.get("/console/").text
    data = {"ticket": "WzEsMV0.forged.signature", "csrf_token": csrf_of(page)}
    data |= {"disposition": "resolved", "routing_right": "yes"}
    response = available.post("/console/wrap-up", data=data)
    assert response.status_code == 400
    assert "not for a call of yours" in response.text


def test_callbacks_for_the_agents_teams_are_listed_and_started_with_a_click(
    app, available, post_form, db
):
    with db.session() as s:
        call = Call(
            sid="CA" + "1" * 32, from_number=MARIA, to_number=DEMO_LINE, callflow="acme-outfitters"
        )
        s.add(call)
        s.flush()
        words = "my tent pole snapped"
        s.add(
            Callback(
                call_id=call.id,
                callflow="acme-outfitters",
                number=MARIA,
                words=words,
                reason="no_match",
                team="general",
            )
        )
    page = available.get("/console/").text
    assert "my tent pole snapped" in page
    button = re.search(r'action="(/console/callbacks/\d+/start)"', page).group(1)
    post_form(available, "/console/", button, {})
    with db.session() as s:
        assert s.scalars(sa.select(Callback.status)).one() == "dialing"
    control = app.extensions["voice"].control
    assert [r.to for r in control.take(kind="create")] == ["client:ali"]


def test_a_callback_cannot_be_started_twice(app, available, post_form, db):
    with db.session() as s:
        s.add(
            Callback(
                callflow="acme-outfitters",
                number=MARIA,
                reason="no_match",
                team="general",
                status="completed",
            )
        )
    with db.session() as s:
        callback_id = s.scalars(sa.select(Callback.id)).one()
    post_form(available, "/console/", f"/console/callbacks/{callback_id}/start", {})
    assert "already being dialled or is done" in available.get("/console/").text


def test_an_agent_login_without_an_agent_profile_is_told_how_to_get_one(client, make_user, log_in):
    make_user("nia", "agent", "Nia New")
    log_in(client, "nia")
    response = client.get("/console/")
    assert response.status_code == 404
    assert "no agent profile" in response.text


def test_an_admin_without_an_agent_profile_is_sent_to_the_floor(admin_client):
    response = admin_client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/floor")
    floor = admin_client.get("/admin/floor")
    assert floor.status_code == 200
    assert "no console of your own" in floor.text
    assert admin_client.get("/console/state").status_code == 404  # data: no redirect


def test_a_wrap_up_can_ask_the_caller_for_a_text_survey(app, available, db, csrf_of):
    place_call(app, "representative, i want to return a tent")
    page = available.get("/console/").text
    answer = {"ticket": ticket_of(page), "disposition": "resolved", "routing_right": "yes",
              "right_target": "", "survey": "sms", "csrf_token": csrf_of(page)}  # fmt: skip
    assert available.post("/console/wrap-up", data=answer).status_code == 302
    with db.session() as s:
        assert s.scalars(sa.select(WrapUp.survey)).one() == "sms"
        kinds = s.scalars(sa.select(CallEvent.kind)).all()
    assert "survey_sent" in kinds


def closed_console(make_app, log_in, tmp_path, at):
    """Return Ali's client on the demo line with its real hours, the clock stopped at `at`."""
    folder = tmp_path / "hours"
    folder.mkdir()
    (folder / "acme-outfitters.yaml").write_text(
        (ROOT / "callflows/acme-outfitters.yaml").read_text()
    )
    app = make_app(callflows_dir=folder, twilio_rest="fake")
    floor = app.extensions["voice"].floor
    floor.clock = lambda: at
    agent = floor.add_agent(
        "ali", "Ali Agent", "client:ali", ["general"], ["en"], password="correct horse battery"
    )
    floor.set_presence(agent["id"], "available")
    client = app.test_client()
    log_in(client, "ali")
    return client


SUNDAY_NOON = dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC)  # 12:00 in Chicago: closed all day
SATURDAY_4PM = dt.datetime(2026, 2, 28, 22, 0, tzinfo=dt.UTC)  # 16:00 in Chicago: open until 17


def test_the_console_says_the_line_is_closed_and_when_it_reopens(make_app, log_in, tmp_path):
    page = closed_console(make_app, log_in, tmp_path, SUNDAY_NOON).get("/console/").text
    assert "Closed: opens tomorrow at 08:00 (America/Chicago time)." in page
    assert "No callers are coming" in page
    assert "no calls come in until the line opens" in page
    assert "appears here as soon as a call is offered" not in page


def test_the_console_says_until_when_an_open_line_is_answered(make_app, log_in, tmp_path):
    page = closed_console(make_app, log_in, tmp_path, SATURDAY_4PM).get("/console/").text
    assert "Open until today at 17:00 (America/Chicago time)." in page
    assert "No callers are coming" not in page


def add_callback(s, number=MARIA, **fields):
    values = {"callflow": "acme-outfitters", "number": number, "reason": "no_match",
              "team": "general", "words": "my tent pole snapped"} | fields  # fmt: skip
    s.add(Callback(**values))


def callback_rows(page):
    section = page.split('id="callbacks-title"')[1]
    return re.findall(r"<tr>\s*<td><strong>(.*?)</strong><br>(\S+)</td>", section)


def test_the_callback_list_is_real_open_requests_one_per_caller_urgent_first(available, db):
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with db.session() as s:
        add_callback(s, "+15555550201", requested_at=hour_ago)
        add_callback(s, "+15555550201", words="still waiting", kind="voicemail",
                     recording_url="https://api.twilio.com/rec/RE1")  # fmt: skip
        add_callback(s, "+15555550202", priority="urgent")
        add_callback(s, "+15555550203", demo=True)  # seeded for the demo
        add_callback(s, "+15555550204", status="completed")
        add_callback(s, "+15555550205", team="nobody_of_hers")
    page = available.get("/console/").text
    rows = callback_rows(page)
    assert [number for _, number in rows] == ["+15555550202", "+15555550201"]
    assert "asked 2 times" in page and "Voicemail" in page
    assert "my tent pole snapped / still waiting" in page
    assert 'href="https://api.twilio.com/rec/RE1"' in page and "Listen to the voicemail" in page
    assert "(outbound)" in page


def test_a_callback_is_gone_once_the_caller_was_called_back_since(available, db):
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with db.session() as s:
        add_callback(s, "+15555550301", requested_at=earlier)
        add_callback(s, "+15555550301", status="completed",
                     started_at=earlier + dt.timedelta(minutes=30))  # fmt: skip
    assert callback_rows(available.get("/console/").text) == []


def test_the_screen_pop_flags_a_repeat_caller_whatever_the_reason(app, available, db):
    seed_customers(db)
    with db.session() as s:
        s.add(Call(sid="CA" + "2" * 32, from_number=MARIA, to_number=DEMO_LINE,
                   callflow="acme-outfitters",
                   started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)))  # fmt: skip
    report = place_call(app, "someone used my card for a charge i never made")
    assert report.decisions()[0]["reason"] == "escalation:fraud"  # not "repeat_caller"
    flags = available.get("/console/").text.split('aria-label="Flags"')[1].split("</ul>")[0]
    with app.app_context():
        words = app.jinja_env.filters["reason"]
        assert words("repeat_caller") in flags and words("escalation:fraud") in flags


def test_a_callback_being_dialled_says_it_is_outbound_with_its_voicemail(
    app, available, post_form, db
):
    with db.session() as s:
        call = Call(sid="CA" + "3" * 32, from_number=MARIA, to_number=DEMO_LINE,
                    callflow="acme-outfitters")  # fmt: skip
        s.add(call)
        s.flush()
        add_callback(s, call_id=call.id, kind="voicemail",
                     recording_url="https://api.twilio.com/rec/RE9")  # fmt: skip
    page = available.get("/console/").text
    button = re.search(r'action="(/console/callbacks/\d+/start)"', page).group(1)
    post_form(available, "/console/", button, {})
    pop = available.get("/console/").text.split('id="call-title"')[1].split("</section>")[0]
    assert "Callback, outbound: your phone rings first" in pop
    assert "They left a voicemail" in pop
    assert 'href="https://api.twilio.com/rec/RE9"' in pop


def floor_rows(db):
    """Return every row of the floor's and the calls' tables (not the login tables)."""
    from voice.store.models import Base

    kept = [t for t in Base.metadata.sorted_tables if t.name not in LOGIN_TABLES]
    with db.session() as s:
        return {t.name: sorted(map(repr, s.execute(sa.select(t)).all())) for t in kept}


LOGIN_TABLES = {"users", "web_sessions", "login_failures"}


def test_reading_the_console_the_floor_and_the_lists_changes_nothing_in_the_database(
    app, agent_client, client, twilio_post, make_user, log_in, db
):
    from floor_support import ask

    from voice.housekeeping import jobs_for

    rt = app.extensions["voice"]
    ali = rt.floor.set_presence(rt.floor.agent("ali")["id"], "available")["id"]
    first, plan = ask(rt, "agent please")
    dial = next(s for s in plan.steps if type(s).__name__ == "Dial")
    twilio_post(f"/twilio/whisper?transfer={dial.transfer_id}", incoming_params())
    second, _plan = ask(rt, "agent please", caller="+15555550188")  # nobody free: in line
    rt.service.status(first, call_state("completed"), 40)
    with db.session() as s:  # Ali's wrap-up ran out a second ago; no timer has looked yet
        agent = s.get_one(Agent, ali)
        assert agent.presence == "wrap_up"
        agent.wrap_up_until = utcnow() - dt.timedelta(seconds=1)
    admin = app.test_client()
    make_user("ada", "admin", "Ada Admin")
    assert log_in(admin, "ada").status_code == 302
    before = floor_rows(db)
    for page in ("/console/", "/console/state"):
        assert agent_client.get(page).status_code == 200
    for page in ("/admin/floor", "/admin/floor/state", "/admin/agents"):
        assert admin.get(page).status_code == 200
    rt.floor.list_agents(), rt.floor.queue()
    assert floor_rows(db) == before
    assert rt.control.take(second) == []  # no caller handed out behind a GET
    wrap_ups = next(job for job in jobs_for(rt) if job.name == "wrap_ups")
    wrap_ups.run()  # the housekeeping timer's tick
    assert rt.floor.agent(ali)["presence"] == "on_call"
    assert [e["status"] for e in rt.floor.queue()] == ["offered"]
    assert [r.kind for r in rt.control.take(second)] == ["update"]  # redirected to Ali
