"""Stale floor state heals itself: lost status callbacks never leave an agent or a caller stuck."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open, step_kinds

from voice.routing.reconcile import MAX_CALL_S, reconcile
from voice.store.models import Agent, Call, CallEvent, QueueEntry, utcnow
from voice.telephony.inputs import call_state

from tests_support import incoming_params


@pytest.fixture
def rt(app, monkeypatch):
    set_open(monkeypatch)
    return app.extensions["voice"]


def later(rt, seconds):
    """Make the reconciler see the floor `seconds` from now (settings keep PRESENCE_STALE_S=45)."""
    rt.floor.clock = lambda: utcnow() + dt.timedelta(seconds=seconds)


def bridged_call(rt, twilio_post, caller="+15555550100"):
    """Place a call that an agent answers (Twilio fetches the whisper); return its sid."""
    sid, plan = ask(rt, "agent please", caller=caller)
    dial = next(s for s in plan.steps if type(s).__name__ == "Dial")
    answered = twilio_post(f"/twilio/whisper?transfer={dial.transfer_id}", incoming_params())
    assert answered.status_code == 200
    return sid


def queued(rt, caller="+15555550188"):
    sid, plan = ask(rt, "agent please", caller=caller)
    assert step_kinds(plan)[-1] == "Enqueue"
    return sid, plan.steps[-1].entry_id


def presence(rt, agent_id):
    return rt.floor.agent(agent_id)["presence"]


def events(rt, sid, kind):
    with rt.db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == sid)).one()
        rows = s.scalars(
            sa.select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.kind == kind)
        )
        return [e.detail for e in rows]


def test_an_agent_whose_final_status_callback_was_lost_is_freed_for_the_next_caller(
    rt, twilio_post
):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, entry_id = queued(rt)
    rt.control.set_status(first, "completed")  # Twilio knows; our status callback never came
    later(rt, 30)
    assert reconcile(rt)["agents_freed"] == 0  # younger than PRESENCE_STALE_S: not even asked
    assert rt.control.fetched == [] and presence(rt, agent_id) == "on_call"

    later(rt, 60)  # 15 s interval + 45 s stale: the target
    counts = reconcile(rt)
    assert (counts["agents_freed"], counts["calls_closed"]) == (1, 1)
    now = rt.floor.current(agent_id)
    assert now["state"] == "offered" and now["call"]["call_sid"] == second
    (redirect,) = rt.control.take(second)
    assert redirect.url.endswith(f"/twilio/queue/connect?entry={entry_id}")
    (healed,) = events(rt, first, "healed")
    assert healed["what"] == "agent" and "Twilio says the call is completed" in healed["why"]
    with rt.db.session() as s:
        call = s.scalars(sa.select(Call).where(Call.sid == first)).one()
        assert (call.status, call.outcome) == ("completed", "transferred")
        assert call.ended_at is not None


def test_an_agent_on_a_live_call_is_never_freed(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, _entry = queued(rt)
    rt.control.set_status(first, "in-progress")
    rt.control.set_status(second, "in-progress")
    later(rt, 3600)  # an hour-long call is still a call
    counts = reconcile(rt)
    assert (counts["agents_freed"], counts["live"]) == (0, 2)
    assert sorted(rt.control.fetched) == sorted([first, second])
    assert presence(rt, agent_id) == "on_call"
    assert [e["status"] for e in rt.floor.queue()] == ["waiting"]
    assert not events(rt, first, "healed")


def test_a_call_seen_live_is_asked_about_once_per_stale_period_and_healed_within_a_minute(
    rt, twilio_post
):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    rt.control.set_status(first, "in-progress")
    later(rt, 600)
    reconcile(rt)
    later(rt, 615)  # the next run, 15 s on: Twilio said "live" a moment ago
    assert reconcile(rt)["live"] == 1 and rt.control.fetched == [first]
    rt.control.set_status(first, "completed")  # the call ends at 615 s; its callback is lost
    later(rt, 660)
    assert reconcile(rt)["agents_freed"] == 1 and rt.control.fetched == [first, first]
    assert presence(rt, agent_id) == "available"


def test_when_twilio_cannot_answer_a_stale_agent_is_freed_and_her_caller_keeps_their_place(rt):
    first_agent, second_agent = add_agents(rt.floor, 2)
    sid, _plan = ask(rt, "agent please")  # offered to the first agent; her phone rings
    rt.control.fail = lambda request: request.kind == "fetch"
    later(rt, 20)
    assert reconcile(rt)["agents_freed"] == 0  # REST is down, but the offer is fresh
    later(rt, 50)
    counts = reconcile(rt)
    assert counts["agents_freed"] == 1 and counts["asked"] == 1
    assert presence(rt, first_agent) == "available"
    (entry,) = rt.floor.queue()  # back in line, then offered to the agent not yet tried
    assert entry["status"] == "offered" and entry["agent_id"] == second_agent
    assert "REST API could not answer after 50 s" in events(rt, sid, "healed")[0]["why"]


def test_a_caller_who_hung_up_in_line_unseen_leaves_the_queue(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, entry_id = queued(rt)
    rt.control.set_status(first, "in-progress")
    rt.control.set_status(second, "canceled")
    later(rt, 60)
    counts = reconcile(rt)
    assert (counts["entries_closed"], counts["agents_freed"], counts["calls_closed"]) == (1, 0, 1)
    assert rt.floor.queue() == [] and presence(rt, agent_id) == "on_call"
    with rt.db.session() as s:
        assert s.get(QueueEntry, entry_id).status == "abandoned"
    assert events(rt, second, "healed")[0]["what"] == "entry"


def test_while_twilio_cannot_answer_no_conversation_or_caller_in_line_is_dropped(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    bridged_call(rt, twilio_post)
    queued(rt)
    rt.control.fail = lambda request: request.kind == "fetch"
    later(rt, 300)  # waiting callers hear the wait loop; only QUEUE_MAX_WAIT_S sends them on
    assert reconcile(rt)["agents_freed"] == 0
    assert [e["status"] for e in rt.floor.queue()] == ["waiting"]
    assert presence(rt, agent_id) == "on_call"  # she answered: she may still be talking
    later(rt, rt.settings.queue_max_wait_s + 60)
    assert reconcile(rt)["entries_closed"] == 1 and rt.floor.queue() == []
    later(rt, MAX_CALL_S + 60)  # past Twilio's own limit on a <Dial>: no call is that long
    assert reconcile(rt)["agents_freed"] == 1
    assert presence(rt, agent_id) == "available"


def test_an_agent_on_a_call_twilio_has_never_heard_of_is_freed(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)  # the fake was told nothing: Twilio answers 404
    later(rt, 60)
    assert reconcile(rt)["agents_freed"] == 1
    assert presence(rt, agent_id) == "available"
    assert "Twilio has no such call" in events(rt, first, "healed")[0]["why"]


def start_a_callback(rt, agent_id):
    """Have a queued caller ask for a callback and hang up; the agent starts it. Return ids."""
    sid, entry_id = queued(rt, caller="+15555550101")
    rt.service.waiting.choice(entry_id, "1", "")
    rt.service.status(sid, call_state("completed"), 30)  # the customer's own call is over
    rt.floor.set_presence(agent_id, "available", by="test")  # she leaves her first caller
    (row,) = rt.floor.callbacks("requested")
    rt.floor.start_callback(row["id"], agent_id)
    (leg,) = rt.control.take(kind="create")
    return row["id"], leg.call_sid


def test_an_agent_on_a_callback_is_not_freed_because_the_customers_first_call_ended(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please")
    callback_id, leg = start_a_callback(rt, agent_id)
    rt.control.set_status(leg, "in-progress")
    later(rt, 600)
    assert reconcile(rt)["agents_freed"] == 0
    assert presence(rt, agent_id) == "on_call"
    assert rt.floor.callbacks("dialing")[0]["id"] == callback_id


def test_a_callback_whose_agent_leg_ended_unseen_goes_back_on_the_list(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please")
    callback_id, leg = start_a_callback(rt, agent_id)
    rt.control.set_status(leg, "no-answer")
    later(rt, 60)
    counts = reconcile(rt)
    assert (counts["callbacks_reopened"], counts["agents_freed"]) == (1, 1)
    assert counts["calls_closed"] == 0  # the agent's leg has no call record to close
    assert presence(rt, agent_id) == "available"
    (row,) = rt.floor.callbacks("requested")
    assert row["id"] == callback_id


def test_two_reconcilers_at_once_free_the_agent_once_and_offer_the_next_caller_once(
    rt, twilio_post
):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, _entry = queued(rt)
    rt.control.set_status(first, "completed")
    later(rt, 60)
    healed = []
    rt.bus.publish = lambda channel, event: healed.append(event.get("why") == "healed")
    barrier, results = threading.Barrier(2), []

    def run():
        barrier.wait()
        results.append(reconcile(rt))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r["agents_freed"] for r in results) == 1
    assert healed.count(True) == 2  # one presence event, to her and to the floor
    assert len(rt.control.take(second)) == 1
    assert rt.floor.current(agent_id)["call"]["call_sid"] == second


def test_an_agent_given_a_new_call_while_the_reconciler_looked_keeps_it(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, _entry = queued(rt)
    with rt.db.session() as s:
        s.get(Agent, agent_id).wrap_up_s = 0
    real = rt.control.call_status

    def status_arrives_meanwhile(sid):
        if sid == first:  # the real callback lands: she is freed and offered the next caller
            rt.service.status(first, call_state("completed"), 40)
            return call_state("completed")
        return real(sid)

    rt.control.call_status = status_arrives_meanwhile
    later(rt, 60)
    assert reconcile(rt)["agents_freed"] == 0
    assert rt.floor.current(agent_id)["call"]["call_sid"] == second
    assert presence(rt, agent_id) == "on_call"


def test_an_admin_override_ends_a_stuck_call_and_the_agent_takes_the_next_caller(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    second, _entry = queued(rt)
    rt.floor.set_presence(agent_id, "available", by="admin ada")
    assert rt.floor.current(agent_id)["call"]["call_sid"] == second
    (override,) = events(rt, first, "presence_override")
    assert override == {"agent_id": agent_id, "from": "on_call", "to": "available",
                        "by": "admin ada"}  # fmt: skip


def test_an_override_to_offline_puts_the_ringing_caller_back_in_line(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please")
    rt.floor.set_presence(agent_id, "offline", by="voice agents set")
    assert presence(rt, agent_id) == "offline"
    assert [e["status"] for e in rt.floor.queue()] == ["waiting"]
    with rt.db.session() as s:
        assert s.get(Agent, agent_id).call_id is None
    assert rt.floor.dispatch.dispatch(agent_id) is False  # offline: offered nothing


def test_wrap_ups_that_ran_out_end_without_anyone_looking(rt, twilio_post):
    (agent_id,) = add_agents(rt.floor, 1)
    first = bridged_call(rt, twilio_post)
    rt.service.status(first, call_state("completed"), 40)
    assert presence(rt, agent_id) == "wrap_up"
    later(rt, 31)
    reconcile(rt)
    with rt.db.session() as s:
        assert s.get(Agent, agent_id).presence == "available"
