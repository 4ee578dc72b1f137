"""Held-out utterances (none is a callflow example): precision first, then enough recall."""

import datetime as dt

import pytest

from voice.flow import CallerContext, Utterance, decide, load_callflow

from .conftest import DATA, DEMO, DENTAL, words_only

PIZZA = DATA / "callflows" / "pizza-shop.yaml"
SETS = [
    (DEMO, "acme-outfitters.tsv", 0.85),
    (DENTAL, "bright-smile-dental.tsv", 0.8),
    (PIZZA, "tonys-pizza.tsv", 0.75),
]


def labelled(name: str) -> list[tuple[str, str]]:
    lines = (DATA / "utterances" / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


def outcomes(path, name, words=False):
    callflow = words_only(load_callflow(path)) if words else load_callflow(path)
    context = CallerContext(now=dt.datetime(2025, 3, 5, 12, 0, tzinfo=callflow.business.tz))
    for said, wanted in labelled(name):
        yield said, wanted, decide(callflow, Utterance(said), context)


def wrong_answers(words):
    return [
        (said, wanted, d.intent)
        for path, name, _ in SETS
        for said, wanted, d in outcomes(path, name, words)
        if d.action == "answer" and d.intent != wanted
    ]


def test_at_most_one_in_a_hundred_held_out_callers_gets_a_wrong_answer():
    total = sum(len(labelled(name)) for _, name, _ in SETS)
    assert len(wrong_answers(words=False)) <= total // 100


def test_without_understanding_held_out_callers_never_get_a_wrong_answer():
    assert wrong_answers(words=True) == []


@pytest.mark.parametrize(("path", "name", "floor"), SETS, ids=[s[1] for s in SETS])
def test_without_understanding_held_out_requests_are_mostly_handled_right(path, name, floor):
    results = list(outcomes(path, name, words=True))
    right = sum(
        1 for _, wanted, d in results if (d.intent if d.action == "answer" else d.reason) == wanted
    )
    assert right / len(results) >= floor, f"{right}/{len(results)}"
