"""The floor page: who waits per team and for how long, agents by state, today's service level."""

import datetime as dt
import re
import secrets

import pytest

from voice.store.models import Agent, Call, Callback, QueueEntry

from tests_support import DEMO_LINE

# 09:00 in Chicago (the demo line's zone) on a Wednesday: "today" began at 06:00 UTC
NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
LOCAL_MIDNIGHT = dt.datetime(2026, 3, 4, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def floor(app):
    """Return the floor with its clock stopped at NOW."""
    floor = app.extensions["voice"].floor
    floor.clock = lambda: NOW
    return floor


def add_call(s, number="+15555550123", demo=False, at=NOW):
    call = Call(sid="CA" + secrets.token_hex(16), from_number=number, to_number=DEMO_LINE,
                callflow="acme-outfitters", demo=demo, started_at=at)  # fmt: skip
    s.add(call)
    s.flush()
    return call


def in_line(s, waited_s, team="general", priority="normal", status="waiting", number="", **more):
    """Store a caller who joined `team`'s line `waited_s` before NOW."""
    call = add_call(s, number or f"+1555555{secrets.randbelow(10000):04d}", more.pop("demo", False))
    rank = {"urgent": 0, "high": 1}.get(priority, 2)
    entry = QueueEntry(call_id=call.id, callflow="acme-outfitters", team=team, language="en-US",
                       priority=priority, rank=rank, reason="asked_for_human", status=status,
                       enqueued_at=NOW - dt.timedelta(seconds=waited_s), **more)  # fmt: skip
    s.add(entry)
    return entry


def left_line(s, joined, status, answered_after_s=None, team="general", demo=False):
    """Store a caller who joined at `joined` and left: answered after n seconds, or not."""
    call = add_call(s, demo=demo, at=joined)
    bridged = joined + dt.timedelta(seconds=answered_after_s) if answered_after_s else None
    s.add(QueueEntry(call_id=call.id, callflow="acme-outfitters", team=team, language="en-US",
                     reason="asked_for_human", status=status, enqueued_at=joined,
                     bridged_at=bridged, ended_at=joined + dt.timedelta(seconds=90)))  # fmt: skip


def test_the_floor_lists_each_teams_callers_next_first_with_the_longest_wait(
    admin_client, floor, db
):
    with db.session() as s:
        in_line(s, 30, number="+15555550001")
        in_line(s, 200, number="+15555550002")
        in_line(s, 10, priority="urgent", number="+15555550003")
        in_line(s, 50, team="care", number="+15555550004")
        in_line(s, 400, number="+15555550005", demo=True)  # seeded: not on the live floor
    page = admin_client.get("/admin/floor").text
    general = page.split('data-team="general"')[1].split("data-team=")[0]
    order = re.findall(r"\+1555555000\d", general)
    assert order == ["+15555550003", "+15555550002", "+15555550001"]  # urgent, then oldest
    assert "longest wait" in general and "3 min 20 s" in general
    assert re.search(r'data-figure="in-line">3<', general)
    assert "+15555550005" not in page
    assert re.search(r'data-figure="in-line">4<', page)  # the whole floor


def test_service_level_today_counts_callers_answered_within_20_seconds(admin_client, floor, db):
    with db.session() as s:
        today = LOCAL_MIDNIGHT + dt.timedelta(hours=1)
        left_line(s, today, "bridged", answered_after_s=12)  # within target
        left_line(s, today, "bridged", answered_after_s=20)  # within target, just
        left_line(s, today, "bridged", answered_after_s=45)  # answered late
        left_line(s, today, "abandoned")  # hung up in line: counts against
        left_line(s, today, "callback")  # chose a callback: not lost, not judged
        left_line(s, LOCAL_MIDNIGHT - dt.timedelta(minutes=1), "abandoned")  # yesterday there
        left_line(s, today, "abandoned", demo=True)
    board = admin_client.get("/admin/floor").text
    assert re.search(r'data-figure="service-level">50%<', board)  # 2 of 4 answered or lost
    assert "answered within 20 s: 2 of 4" in board
    assert re.search(r'data-figure="abandoned">1<', board)
    assert "20% of 5 who left the line; 1 chose a callback" in board
    assert "Today is 2026-03-04 in America/Chicago" in board


def test_agents_are_shown_by_state_with_their_time_in_it(admin_client, floor, make_agent, db):
    bo = make_agent("bo", "Bo Diaz")
    make_agent("cy", "Cy Park")
    with db.session() as s:
        agent = s.get(Agent, bo["id"])
        agent.presence, agent.presence_at = "wrap_up", NOW - dt.timedelta(seconds=75)
        agent.wrap_up_until = NOW + dt.timedelta(seconds=30)
    page = admin_client.get("/admin/floor").text
    bo_row = page[page.index(f'data-agent="{bo["id"]}"') :].split("</tr>")[0]
    assert 'data-state="wrap_up"' in bo_row and "1 min 15 s" in bo_row
    assert re.search(r'data-agents="wrap_up">1 wrap-up<', page)
    assert re.search(r'data-agents="offline">1 offline<', page)


def test_callbacks_pending_are_the_real_ones_nobody_has_called_back(admin_client, floor, db):
    with db.session() as s:
        for status, demo, priority in [
            ("requested", False, "urgent"),
            ("failed", False, "normal"),
            ("completed", False, "normal"),
            ("requested", True, "high"),
        ]:
            s.add(Callback(callflow="acme-outfitters", number="+15555550111", reason="no_match",
                           team="general", status=status, demo=demo, priority=priority,
                           requested_at=NOW - dt.timedelta(minutes=5)))  # fmt: skip
    page = admin_client.get("/admin/floor").text
    assert re.search(r'data-figure="callbacks">2<', page)
    assert "1 urgent or high; oldest 5 min 00 s" in page


def test_an_admin_sets_an_agents_state_from_the_floor_and_comes_back_to_it(
    admin_client, app, make_agent, post_form
):
    bo = make_agent("bo", "Bo Diaz")
    url = f"/admin/agents/{bo['id']}/presence"
    data = {"presence": "available", "back": "floor"}
    response = post_form(admin_client, "/admin/floor", url, data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/floor")
    assert app.extensions["voice"].floor.agent(bo["id"])["presence"] == "available"
    assert "Bo Diaz is now available." in admin_client.get("/admin/floor").text


def test_setting_a_state_from_the_floor_needs_the_forms_csrf_token(admin_client, app, make_agent):
    bo = make_agent("bo", "Bo Diaz")
    data = {"presence": "available", "back": "floor"}
    assert admin_client.post(f"/admin/agents/{bo['id']}/presence", data=data).status_code == 400
    assert app.extensions["voice"].floor.agent(bo["id"])["presence"] == "offline"


def test_the_floor_is_in_the_admin_nav(admin_client):
    assert 'href="/admin/floor">Floor</a>' in admin_client.get("/admin/agents").text


def test_the_floor_is_for_admins_only(agent_client):
    assert agent_client.get("/admin/floor").status_code == 403
    assert agent_client.get("/admin/floor/state").status_code == 403


def test_the_state_endpoint_returns_each_part_for_the_script_to_swap_in(admin_client, floor, db):
    with db.session() as s:
        in_line(s, 30, number="+15555550009")
    state = admin_client.get("/admin/floor/state").json
    assert set(state) == {"summary", "teams", "agents"}
    assert "+15555550009" in state["teams"]


def test_the_floor_shows_whether_each_line_is_open(admin_client, floor):
    # the test line is open around the clock
    assert "Open: people answer around the clock." in admin_client.get("/admin/floor").text


def test_the_floor_stream_relays_floor_events(app, admin_client):
    app.config["SSE_KEEPALIVE_S"] = 0.05
    response = admin_client.get("/admin/floor/events", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    assert "event: hello" in next(chunks).decode()
    assert next(chunks).decode() == ": keep-alive\n\n"  # listening now
    app.extensions["voice"].bus.publish("floor", {"type": "queue", "change": "waiting"})
    assert "event: queue" in next(chunks).decode()
    response.close()
