"""Named lookups answer from the store by the caller's number; no data means None."""

import datetime as dt

import pytest

from voice.calls.lookups import lookup, status_phrase
from voice.store.demo import seed_customers


@pytest.fixture
def seeded(db):
    seed_customers(db, today=dt.date(2026, 3, 2))
    return db


def test_latest_order_for_a_known_caller(seeded):
    with seeded.session() as s:
        found = lookup(s, "orders.latest_for_caller", "+15555550100")
    assert found["number"] == "A10432"
    assert found["status_phrase"] == "has shipped with UPS, and should arrive by Wednesday, March 4"


def test_latest_order_picks_the_newest_of_several(seeded):
    with seeded.session() as s:
        assert lookup(s, "orders.latest_for_caller", "+15555550103")["number"] == "A10445"


@pytest.mark.parametrize("caller", ["+15555550104", "+19998887777", ""])
def test_no_order_means_no_data_for_the_answer(seeded, caller):
    with seeded.session() as s:
        assert lookup(s, "orders.latest_for_caller", caller) is None


def test_unknown_lookup_names_the_known_ones(seeded):
    with seeded.session() as s, pytest.raises(KeyError, match="orders.latest_for_caller"):
        lookup(s, "orders.nope", "+15555550100")


def test_seeding_twice_adds_nothing_and_flags_demo_rows(db):
    assert seed_customers(db) == 5
    assert seed_customers(db) == 0


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        ("processing", "is being packed and should ship within two business days"),
        ("cancelled", "was cancelled"),
        ("on_hold", "is on hold"),
    ],
)
def test_status_phrases_finish_the_sentence(status, phrase):
    assert status_phrase(status, None, None) == phrase
