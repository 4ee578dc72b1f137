"""The admin dashboard: the four questions answered from stored calls, charts, filters, CSV."""

import csv
import datetime as dt
import io
import re

import pytest
from analytics_rows import T0, add_call, add_wrap_up

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
    assert daily.count("<polygon") == 6  # every outcome, always in the same colour
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
