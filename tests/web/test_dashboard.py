"""The admin dashboard: the four questions answered from stored calls, charts, filters, CSV."""

import csv
import datetime as dt
import io
import re
import shutil
import statistics
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from analytics_rows import T0, add_call, add_wrap_up

from voice.analytics.demo import seed_demo
from voice.calls.outcomes import OUTCOMES
from voice.flow import load_callflow
from voice.store.models import Transfer
from voice.web.analytics import SERIES
from voice.web.scope import scope_of

from conftest import DATA, ROOT

WEEK = "start=2026-03-01&end=2026-03-07"
ASKED = (("transfer", "asked_for_human", None),)
NO_MATCH = (("transfer", "no_match", None),)


@pytest.fixture
def three_calls(db):
    """One self-served call and two that reached a person after 20 and 40 seconds."""
    with db.session() as s:
        add_call(s)
        add_call(s, outcome="transferred", decisions=ASKED, bridged_after_s=20)
        wrong = add_call(s, outcome="transferred", decisions=NO_MATCH, bridged_after_s=40)
        add_wrap_up(s, wrong, routing_right=False)


def section(page: str, heading_id: str) -> str:
    return re.search(rf'id="{heading_id}".*?</section>', page, re.S).group(0)


def test_the_dashboard_answers_the_admins_questions_from_stored_calls(admin_client, three_calls):
    page = admin_client.get(f"/admin/?{WEEK}").text
    assert "3 calls from 2026-03-01 to 2026-03-07" in page
    fast = section(page, "q-fast")
    assert "30 s" in fast and "38 s" in fast and "2 calls reached one" in fast
    assert "33%" in section(page, "q-self")
    wrong = section(page, "q-wrong")
    assert re.search(r'class="big">1 <span class="unit">misroute</span>', wrong)
    assert "of 1 call they reviewed" in wrong and "33% of calls had no confident match" in wrong
    assert 'href="/admin/intents?' in section(page, "q-stop")


def test_the_charts_are_accessible_svg_images_of_the_same_figures(admin_client, three_calls):
    page = admin_client.get(f"/admin/?{WEEK}").text
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 3 and all('role="img"' in svg and "<title" in svg for svg in svgs)
    daily, reasons, funnel = svgs
    assert "Self-served: 1 call; Reached a person: 2 calls; Callback requested: 0 calls" in daily
    colours = re.findall(r'<polygon class="([^"]+)"', daily)
    assert colours == [f"outcome-{code}" for code in OUTCOMES]  # each outcome, its own colour
    assert 'aria-label="asked for a person: 1 call"' in reasons
    assert 'aria-label="no confident match: 1 call"' in reasons
    assert "Greeted: 3 (100% of calls)" in funnel and "Reached a person: 2 (67% of calls)" in funnel


def test_the_range_and_callflow_filters_choose_the_calls(admin_client, db, three_calls):
    with db.session() as s:
        add_call(s, at=T0 + dt.timedelta(days=10))
        add_call(s, callflow="another-line")
    assert "4 calls from" in admin_client.get(f"/admin/?{WEEK}").text
    assert "3 calls from" in admin_client.get(f"/admin/?{WEEK}&callflow=acme-outfitters").text
    later = admin_client.get("/admin/?start=2026-03-08&end=2026-03-31").text
    assert "1 call from 2026-03-08 to 2026-03-31" in later


def test_a_bad_filter_is_named_and_the_default_shown(admin_client, three_calls):
    page = admin_client.get("/admin/?start=yesterday&callflow=nope").text
    assert "The start date &#39;yesterday&#39; is not a date" in page
    assert "No callflow named &#39;nope&#39; is loaded" in page


def test_demo_calls_are_left_out_once_there_are_real_ones_and_flagged_when_shown(
    admin_client, db, three_calls
):
    with db.session() as s:
        add_call(s, demo=True)
    hidden = admin_client.get(f"/admin/?{WEEK}").text
    assert "3 calls from" in hidden and "Demo data." not in hidden
    assert "1 seeded demo call is left out" in hidden
    shown = admin_client.get(f"/admin/?{WEEK}&demo=1").text
    assert "4 calls from" in shown
    assert re.search(r'class="demo-banner".*?Demo data\.</strong> These figures include 1 ', shown)


def test_a_new_install_with_only_demo_calls_shows_them_under_the_banner(admin_client, db):
    with db.session() as s:
        add_call(s, demo=True)
    page = admin_client.get(f"/admin/?{WEEK}").text
    assert "1 call from" in page and "Demo data." in page
    assert "0 calls from" in admin_client.get(f"/admin/?{WEEK}&demo=0").text


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_every_dashboard_table_downloads_as_csv(admin_client, three_calls):
    page = admin_client.get(f"/admin/?{WEEK}").text
    links = re.findall(r'class="csv" href="([^"]+)"', page)
    assert {re.search(r"table=(\w+)", link).group(1) for link in links} == {
        "daily", "reasons", "funnel", "headline"
    }  # fmt: skip
    for link in links:
        response = admin_client.get(link.replace("&amp;", "&"))
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    daily = rows_of(admin_client.get(f"/admin/?{WEEK}&format=csv&table=daily"))
    assert daily[0] == ["Day", "Calls", "Self-served", "Reached a person", "Callback requested",
                        "Left a voicemail", "No one answered", "Hung up"]  # fmt: skip
    assert daily[2][:3] == ["2026-03-02", "3", "1"] and len(daily) == 8
    reasons = rows_of(admin_client.get(f"/admin/?{WEEK}&format=csv&table=reasons"))
    assert [r[:2] for r in reasons[1:]] == [["asked_for_human", "1"], ["no_match", "1"]]
    headline = dict(r[:2] for r in rows_of(admin_client.get(f"/admin/?{WEEK}&format=csv")))
    assert headline["Time to a person, median (s)"] == "30"
    assert headline["Self-served rate"] == "0.3333"


def test_asking_for_a_table_the_page_does_not_have_is_a_404(admin_client):
    assert admin_client.get("/admin/?format=csv&table=passwords").status_code == 404


# --- every figure recomputed from the raw rows -------------------------------------------------

CHICAGO = ZoneInfo("America/Chicago")
SPAN = "start=2026-03-01&end=2026-03-09&demo=1"
SERIES_KEYS = [None if key == "in_progress" else key for key, _ in SERIES]
FIRST, AFTER = dt.datetime(2026, 3, 1, tzinfo=CHICAGO), dt.datetime(2026, 3, 10, tzinfo=CHICAGO)
# how a call ended, straight from its rows (the rule voice.calls.outcomes.judge applies)
JUDGED = """
SELECT c.id, c.started_at, c.outcome,
  CASE
    WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = c.id AND t.bridged_at IS NOT NULL)
      THEN 'transferred'
    WHEN EXISTS (SELECT 1 FROM callbacks b WHERE b.call_id = c.id AND b.kind = 'voicemail')
      THEN 'voicemail'
    WHEN EXISTS (SELECT 1 FROM callbacks b WHERE b.call_id = c.id AND b.kind = 'callback')
      THEN 'callback_requested'
    WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = c.id)
     AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = c.id AND t.status = 'dialing')
      THEN 'unanswered'
    WHEN EXISTS (SELECT 1 FROM transfers t WHERE t.call_id = c.id)
      OR EXISTS (SELECT 1 FROM decisions d WHERE d.call_id = c.id AND d.action = 'transfer')
      THEN 'abandoned'
    WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.call_id = c.id AND d.action = 'answer')
      THEN 'self_served'
    ELSE 'abandoned'
  END,
  EXISTS (SELECT 1 FROM decisions d WHERE d.call_id = c.id AND d.action = 'transfer'),
  (SELECT d.reason FROM decisions d WHERE d.call_id = c.id AND d.action = 'transfer'
   ORDER BY d.id LIMIT 1),
  (SELECT MIN(t.bridged_at) FROM transfers t WHERE t.call_id = c.id),
  EXISTS (SELECT 1 FROM callbacks b WHERE b.call_id = c.id AND b.kind = 'callback'
          AND b.status = 'completed'),
  EXISTS (SELECT 1 FROM wrap_ups w WHERE w.call_id = c.id AND w.routing_right = :no),
  EXISTS (SELECT 1 FROM wrap_ups w WHERE w.call_id = c.id AND w.routing_right IS NOT NULL)
FROM calls c WHERE c.started_at >= :first AND c.started_at < :after
"""


@pytest.fixture
def every_kind(db):
    """A week of demo calls on the real opening hours, and the kinds the demo never has."""
    seed_demo(db, load_callflow(ROOT / "callflows" / "acme-outfitters.yaml"),
              now=dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC), days=7)  # fmt: skip
    with db.session() as s:
        add_call(s, outcome="abandoned", decisions=(), said="")  # hung up during the greeting
        rang_out = add_call(s, outcome="unanswered", decisions=ASKED)
        s.add(Transfer(call_id=rang_out.id, team="general", target="+15005550101",
                       reason="asked_for_human", status="no-answer"))  # fmt: skip
        add_call(s, outcome=None, decisions=ASKED)  # still in line
    return db


def raw_figures(db) -> dict:
    """Return the dashboard's figures counted from the tables with plain SQL."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(JUDGED), {"first": FIRST, "after": AFTER, "no": False}).all()
    ended = [r for r in rows if r[2] is not None]
    assert ended and all(r[2] == r[3] for r in ended), "a stored outcome is not the judged one"
    outcome = {r[0]: r[3] if r[2] is not None else None for r in rows}
    count = Counter(outcome.values())
    sent = {r[0] for r in rows if r[4]}
    waits = [(as_utc(r[6]) - as_utc(r[1])).total_seconds() for r in rows if r[6]]
    days = Counter((as_utc(r[1]).astimezone(CHICAGO).date().isoformat(), outcome[r[0]])
                   for r in rows)  # fmt: skip
    return {
        "calls": len(rows), "outcomes": count, "sent": len(sent), "days": days,
        "answered": sum(1 for i, o in outcome.items() if o == "self_served" and i not in sent),
        "hung_up_early": sum(1 for i, o in outcome.items() if o == "abandoned" and i not in sent),
        "ends": Counter(outcome[i] for i in sent),
        "completed": sum(1 for r in rows if outcome[r[0]] == "callback_requested" and r[7]),
        "misroutes": sum(1 for r in rows if r[8]), "reviewed": sum(1 for r in rows if r[9]),
        "no_match": sum(1 for r in rows if r[5] == "no_match"),
        "median_wait": round(statistics.median(waits), 2),
    }  # fmt: skip


def as_utc(value) -> dt.datetime:
    """Return a raw database time as aware UTC (SQLite hands back naive UTC strings)."""
    value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def chart_totals(svg: str) -> dict[str, int]:
    desc = re.search(r"<desc [^>]*>(.*?)</desc>", svg).group(1)
    found = re.findall(r"([^;:]+?): ([\d,]+)", desc)
    return {name.strip(): int(n.replace(",", "")) for name, n in found}


def test_every_figure_is_counted_from_the_raw_rows_and_cards_charts_and_funnel_agree(
    admin_client, every_kind
):
    raw = raw_figures(every_kind)
    n = raw["outcomes"]
    assert all(n[k] for k in ("callback_requested", "voicemail", "unanswered", None))
    page = admin_client.get(f"/admin/?{SPAN}").text
    get = lambda table: rows_of(admin_client.get(f"/admin/?{SPAN}&format=csv&table={table}"))  # noqa: E731
    head = {r[0]: r[1:] for r in get("headline")}
    assert head["Calls"][0] == str(raw["calls"])
    for code, label in OUTCOMES.items():
        assert head[label][0] == str(n[code]), label
    assert head["Sent to a person"][0] == str(raw["sent"])
    assert head["Callbacks completed"] == [str(raw["completed"]), str(n["callback_requested"])]
    assert head["Misroutes marked by agents"] == [str(raw["misroutes"]), str(raw["reviewed"])]
    assert head["Time to a person, median (s)"][0] == f"{raw['median_wait']:g}"

    cards = section(page, "q-fast") + section(page, "q-self") + section(page, "q-wrong")
    assert f"Callbacks: {raw['completed']} of {n['callback_requested']} done" in cards
    assert f"{n['voicemail']} voicemails" in cards
    assert f"{n['self_served']:,} of {raw['calls']:,} calls were answered" in cards
    assert f"{n['self_served'] / raw['calls']:.0%} <span" in cards
    assert f'class="big">{raw["misroutes"]} <span class="unit">misroutes' in cards
    assert f"({raw['no_match']} calls)" in cards

    daily = get("daily")
    labels = dict(zip(daily[0], [None, None, *SERIES_KEYS], strict=False))
    for row in daily[1:]:
        for heading, value in zip(daily[0][2:], row[2:], strict=True):
            assert int(value) == raw["days"][(row[0], labels[heading])], (row[0], heading)
    funnel = {r[0]: int(r[1]) for r in get("funnel")[1:]}
    assert funnel["Greeted"] == raw["calls"] and funnel["Sent to a person"] == raw["sent"]
    assert funnel["Answered by the assistant"] == raw["answered"]
    assert funnel["Hung up before a decision"] == raw["hung_up_early"]
    assert funnel["Still on the line"] == raw["ends"][None] == n[None]

    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    per_day, funnel_chart = chart_totals(svgs[0]), chart_totals(svgs[2])
    hung_up = funnel_chart["Hung up before a decision"] + funnel_chart["Hung up before a person"]
    assert per_day["Hung up"] == hung_up == n["abandoned"]
    for label in ("Reached a person", "Callback requested", "Left a voicemail", "No one answered"):
        assert per_day[label] == funnel_chart[label] == funnel[label], label
    assert per_day["Callback requested"] == n["callback_requested"]


def test_no_funnel_bar_is_wider_than_the_one_above_it(admin_client, every_kind):
    funnel = re.findall(r"<svg .*?</svg>", admin_client.get(f"/admin/?{SPAN}").text, re.S)[2]
    widths: dict[float, float] = {}
    for y, w in re.findall(r'<rect class="[^"]+" x="[\d.]+" y="(\d+)" width="([\d.]+)" height="30"',
                           funnel):  # fmt: skip
        widths[float(y)] = widths.get(float(y), 0) + float(w)
    bars = [widths[y] for y in sorted(widths)]
    assert len(bars) == 3 and bars[0] >= bars[1] >= bars[2] > 0


def test_the_default_range_ends_today_in_the_lines_timezone(app, db):
    evening = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)  # 9:30 PM on 2 March in Chicago
    with app.test_request_context("/admin/"), db.session() as s:
        scope = scope_of({}, s, now=evening)
        chosen = scope_of({"callflow": "acme-outfitters"}, s, now=evening)
    assert (scope.last, scope.first) == (dt.date(2026, 3, 2), dt.date(2026, 2, 1))
    assert scope.tz == chosen.tz == "America/Chicago" and scope.zone_from == ""
    assert scope.zone_label.startswith("America/Chicago (C")


def test_lines_in_different_zones_use_the_chosen_or_default_lines_and_say_which(
    make_app, open_callflows, db, client
):
    shutil.copy(DATA / "callflows" / "pizza-shop.yaml", open_callflows / "tonys-pizza.yaml")
    app = make_app(callflows_dir=open_callflows, default_callflow="acme-outfitters")
    evening = dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)  # 10:30 PM on 2 March in New York
    with app.test_request_context("/admin/"), db.session() as s:
        every = scope_of({}, s, now=evening)
        pizza = scope_of({"callflow": "tonys-pizza"}, s, now=evening)
    assert every.tz == "America/Chicago" and "acme-outfitters (the default line" in every.zone_label
    assert (pizza.tz, pizza.zone_from, pizza.last) == ("America/New_York", "", dt.date(2026, 3, 2))
