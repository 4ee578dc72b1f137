"""The floor: who gets which caller, in what order, and that nobody is offered two calls."""

import threading

import pytest
import sqlalchemy as sa
from floor_support import add_agents, ask, set_open, step_kinds

from voice.routing.agents import FloorError
from voice.routing.assign import claim_agent
from voice.store.models import Agent, Call, QueueEntry, utcnow


@pytest.fixture
def rt(app, monkeypatch):
    set_open(monkeypatch)
    return app.extensions["voice"]


def dial_target(plan):
    return next(s.target for s in plan.steps if type(s).__name__ == "Dial")


def test_a_transfer_goes_to_the_longest_idle_available_agent(rt):
    first, second, third = add_agents(rt.floor, 3, available=False)
    for agent_id in (second, first, third):  # second has been idle longest
        rt.floor.set_presence(agent_id, "available")
    _sid, plan = ask(rt, "agent please")
    assert dial_target(plan) == rt.floor.agent(second)["address"]
    assert rt.floor.agent(second)["presence"] == "on_call"


def test_an_agent_needs_both_the_team_and_the_callflows_language(rt):
    rt.floor.add_agent("ko1", "Korean Care", "+15125550001", ["general"], ["ko"])
    rt.floor.add_agent("en1", "Security", "+15125550002", ["security"], ["en"])
    rt.floor.add_agent("en2", "General", "+15125550003", ["general"], ["en-GB"])
    for login in ("ko1", "en1", "en2"):
        rt.floor.set_agent(login, presence="available")
    _sid, plan = ask(rt, "agent please")  # en-US line, general team
    assert dial_target(plan) == "+15125550003"  # en-GB speaks en: primary subtag matches


def test_a_line_with_no_agents_dials_the_team_target_as_before(rt):
    _sid, plan = ask(rt, "agent please")
    assert dial_target(plan) == rt.lines.by_name("acme-outfitters").teams["general"].target
    with rt.db.session() as s:
        assert s.scalar(sa.select(sa.func.count(QueueEntry.id))) == 0


def test_a_team_whose_agents_are_all_offline_dials_the_team_target(rt):
    add_agents(rt.floor, 2, available=False)
    _sid, plan = ask(rt, "agent please")
    assert dial_target(plan) == "+15005550101"


def test_when_nobody_is_free_the_caller_is_queued(rt):
    add_agents(rt.floor, 1)
    ask(rt, "agent please")
    _sid, plan = ask(rt, "agent please", caller="+15555550188")
    assert step_kinds(plan) == ["Say", "Enqueue"]
    assert [e["status"] for e in rt.floor.queue()] == ["offered", "waiting"]


def test_priority_order_is_urgent_then_high_then_normal_then_arrival(rt):
    agent = rt.floor.add_agent(
        "ann", "Ann", "+15125550001", ["general", "care", "security"], ["en"]
    )
    rt.floor.set_presence(agent["id"], "available")
    ask(rt, "agent please", caller="+15555550200")  # Ann is on this call: the rest queue
    for who, text in (
        ("+15555550201", "agent please"),
        ("+15555550202", "agent"),
        ("+15555550203", "i want to make a complaint"),
        ("+15555550204", "someone used my card for a charge i never made"),
    ):
        assert step_kinds(ask(rt, text, caller=who)[1])[-1] == "Enqueue"
    served = []
    for _ in range(4):
        with rt.db.session() as s:  # Ann's call ends
            s.get(Agent, agent["id"]).presence = "wrap_up"
        rt.floor.set_presence(agent["id"], "available")
        served.append(rt.floor.current(agent["id"])["call"]["number"])
    assert served == ["+15555550204", "+15555550203", "+15555550201", "+15555550202"]


def test_a_freed_agent_is_offered_the_best_waiting_caller_by_rest_redirect(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please")
    sid, plan = ask(rt, "agent please", caller="+15555550188")
    assert step_kinds(plan) == ["Say", "Enqueue"]
    entry_id = plan.steps[1].entry_id
    with rt.db.session() as s:
        s.get(Agent, agent_id).presence = "wrap_up"
    rt.floor.set_presence(agent_id, "available")
    (redirect,) = rt.control.take(sid)
    assert redirect.kind == "update" and redirect.url.endswith(
        f"/twilio/queue/connect?entry={entry_id}"
    )


def test_offers_and_presence_are_published_to_the_agent_and_the_floor(rt):
    from voice.routing.events import FLOOR, agent_channel

    (agent_id,) = add_agents(rt.floor, 1)
    seen = []
    rt.bus.publish = lambda channel, event: seen.append((channel, event))
    ask(rt, "agent please", caller="+15555550100")
    offer = next(e for c, e in seen if c == agent_channel(agent_id) and e["type"] == "offer")
    assert offer["screen"]["number"] == "+15555550100"
    assert offer["screen"]["transcript"][0]["text"] == "agent please"
    assert any(c == FLOOR and e["type"] == "queue" for c, e in seen)
    assert any(c == FLOOR and e["type"] == "presence" for c, e in seen)


def test_an_agent_on_a_call_cannot_set_their_own_presence(rt):
    (agent_id,) = add_agents(rt.floor, 1)
    ask(rt, "agent please")
    with pytest.raises(FloorError, match="on a call"):
        rt.floor.set_presence(agent_id, "offline")


def test_wrap_up_is_stored_and_the_agent_takes_the_next_caller(rt):
    from voice.store.models import WrapUp

    (agent_id,) = add_agents(rt.floor, 1)
    first_sid, _ = ask(rt, "agent please")
    second_sid, _ = ask(rt, "agent please", caller="+15555550188")
    call_id = rt.floor.current(agent_id)["call"]["call_id"]
    with rt.db.session() as s:
        s.get(Agent, agent_id).presence = "wrap_up"
    rt.floor.wrap_up(agent_id, call_id, "follow_up", False, "care", "wanted a refund")
    with rt.db.session() as s:
        row = s.scalars(sa.select(WrapUp)).one()
        assert (row.disposition, row.routing_right, row.right_target) == (
            "follow_up",
            False,
            "care",
        )
    assert rt.floor.current(agent_id)["call"]["call_sid"] == second_sid
    assert rt.control.take(second_sid)


def test_screen_pop_has_customer_transcript_reason_flags_wait_and_history(rt, db):
    from voice.store.demo import seed_customers

    seed_customers(db)
    ask(rt, "what are your hours", caller="+15555550100")
    add_agents(rt.floor, 1, team="care")
    ask(rt, "i want to make a complaint", caller="+15555550100")
    call_id = rt.floor.queue()[0]["call_id"]
    pop = rt.floor.screen_pop(call_id)
    assert pop["customer"]["name"] == "Maria Lopez" and pop["customer"]["orders"]
    assert pop["transcript"][0]["text"] == "i want to make a complaint"
    assert pop["priority"] in ("high", "urgent")
    assert pop["reason"] == "escalation:complaint" and "upset" in pop["flags"]
    assert pop["waited_s"] >= 0 and len(pop["history"]) == 1


def _race(rt, n):
    barrier, plans, errors = threading.Barrier(n), [None] * n, []

    def one(i):
        try:
            barrier.wait()
            plans[i] = rt.service.start(f"CArace{i:04d}", f"+1555556{i:04d}", "+15555550000")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return plans, errors


def test_simultaneous_transfers_never_offer_an_agent_two_calls_and_drop_nobody(rt):
    add_agents(rt.floor, 5)
    plans, errors = _race(rt, 30)  # no speech model in tests: every call asks for a person
    assert not errors
    kinds = [step_kinds(p)[-1] for p in plans]
    assert kinds.count("Dial") == 5 and kinds.count("Enqueue") == 25
    with rt.db.session() as s:
        entries = s.scalars(sa.select(QueueEntry)).all()
        agents = s.scalars(sa.select(Agent)).all()
        calls = s.scalars(sa.select(Call.id)).all()
    assert len(calls) == 30  # every caller is in line exactly once: nobody dropped or doubled
    assert sorted(e.call_id for e in entries) == sorted(calls)
    offered = [e for e in entries if e.status == "offered"]
    assert len(offered) == 5 and len({e.agent_id for e in offered}) == 5
    assert sum(e.status == "waiting" for e in entries) == 25
    assert len({a.call_id for a in agents}) == 5 and all(a.presence == "on_call" for a in agents)
    assert {a.call_id for a in agents} == {e.call_id for e in offered}


def test_two_claims_on_one_free_agent_have_one_winner_and_the_agent_row_names_it(rt):
    add_agents(rt.floor, 1)
    with rt.db.session() as s:
        calls = [Call(sid=f"CAclaim{i}", from_number="+15555550100", to_number="+15555550000",
                      callflow="acme-outfitters") for i in range(2)]  # fmt: skip
        s.add_all(calls)
        s.flush()
        ids, agent_id = [c.id for c in calls], s.scalars(sa.select(Agent.id)).one()
    barrier, won = threading.Barrier(2), [None, None]

    def claim(i):  # each in its own transaction, as two workers would
        with rt.db.session() as s:
            barrier.wait()
            won[i] = claim_agent(s, agent_id, ids[i], utcnow())

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(won) == [False, True]
    with rt.db.session() as s:
        agent = s.get_one(Agent, agent_id)
        assert (agent.presence, agent.call_id) == ("on_call", ids[won.index(True)])
