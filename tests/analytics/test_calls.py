"""The call list's filters and paging, and the call detail of an unknown call."""

import datetime as dt

import pytest
from analytics_rows import T0, add_call, add_wrap_up

from voice import analytics

AGENT = (("transfer", "asked_for_human", None),)


@pytest.fixture
def stored(db):
    with db.session() as s:
        add_call(s, number="+15125550100")
        add_call(s, at=T0 + dt.timedelta(days=1), outcome="transferred", decisions=AGENT,
                 number="+15125550200")  # fmt: skip
        add_call(s, at=T0 + dt.timedelta(days=2), callflow="pizza-shop", number="+15125550300")
        add_call(s, at=T0 + dt.timedelta(days=3), demo=True)
    return db


def listed(db, filters=None, **paging):
    with db.session() as s:
        return analytics.calls(s, filters, **paging)


def numbers(got):
    return [r["from_number"] for r in got["rows"]]


def test_the_list_is_newest_first_and_leaves_demo_calls_out(stored):
    got = listed(stored)
    assert got["total"] == 3
    assert numbers(got) == ["+15125550300", "+15125550200", "+15125550100"]
    assert listed(stored, {"include_demo": True})["total"] == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"outcome": "transferred"}, ["+15125550200"]),
        ({"reason": "asked_for_human"}, ["+15125550200"]),
        ({"intent": "store_hours", "callflow": "acme-outfitters"}, ["+15125550100"]),
        ({"number": "0300"}, ["+15125550300"]),
        ({"start": T0.isoformat(), "end": (T0 + dt.timedelta(days=1)).isoformat()},
         ["+15125550100"]),
        ({"start": (T0 + dt.timedelta(days=2)).date()}, ["+15125550300"]),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_list(stored, filters, expected):
    assert numbers(listed(stored, filters)) == expected


def test_rows_carry_the_reason_and_intent_and_pages_are_honoured(stored):
    got = listed(stored, limit=1, offset=1)
    assert got["total"] == 3 and len(got["rows"]) == 1
    assert (got["rows"][0]["reason"], got["rows"][0]["intent"]) == ("asked_for_human", None)


def test_an_unknown_filter_is_refused_by_name(stored):
    with pytest.raises(ValueError, match="unknown call filter"):
        listed(stored, {"colour": "red"})


def test_an_unknown_call_has_no_detail(db):
    with db.session() as s:
        assert analytics.call_detail(s, 999) is None


def test_misrouted_calls_list_where_they_went_and_where_the_agent_says_they_belonged(stored):
    with stored.session() as s:
        wrong = add_call(s, outcome="transferred", decisions=AGENT, number="+15125550400")
        add_wrap_up(s, wrong, routing_right=False, right_target="intent:returns")
        add_wrap_up(s, add_call(s, outcome="transferred", decisions=AGENT))  # marked right
    (row,) = listed(stored, {"misrouted": True})["rows"]
    assert (row["from_number"], row["team"], row["right_target"]) == (
        "+15125550400", "general", "intent:returns"
    )  # fmt: skip


def test_a_call_without_twilios_length_is_as_long_as_it_lasted(db):
    with db.session() as s:
        call = add_call(s)
        call.duration_s, call.ended_at = None, T0 + dt.timedelta(seconds=47)
        add_call(s, number="+15125550999").duration_s = 12
    lengths = {r["from_number"]: r["duration_s"] for r in listed(db)["rows"]}
    assert lengths == {"+15125550001": 47, "+15125550999": 12}
