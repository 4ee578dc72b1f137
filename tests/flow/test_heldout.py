"""Held-out utterances (none is a callflow example): precision first, then enough recall."""

import datetime as dt

import pytest

from voice.flow import CallerContext, Utterance, decide, load_callflow

from .conftest import DATA, DEMO, DENTAL

PIZZA = DATA / "callflows" / "pizza-shop.yaml"
SETS = [
    (DEMO, "acme-outfitters.tsv", 0.85),
    (DENTAL, "bright-smile-dental.tsv", 0.8),
    (PIZZA, "tonys-pizza.tsv", 0.75),
]


def labelled(name: str) -> list[tuple[str, str]]:
    lines = (DATA / "utterances" / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


def outcomes(path, name):
    callflow = load_callflow(path)
    context = CallerContext(now=dt.datetime(2025, 3, 5, 12, 0, tzinfo=callflow.business.tz))
    for said, wanted in labelled(name):
        yield said, wanted, decide(callflow, Utterance(said), context)


@pytest.mark.parametrize(("path", "name", "floor"), SETS, ids=[s[1] for s in SETS])
def test_held_out_callers_never_get_a_wrong_answer(path, name, floor):
    wrong = [
        (said, wanted, d.intent)
        for said, wanted, d in outcomes(path, name)
        if d.action == "answer" and d.intent != wanted
    ]
    assert wrong == []


@pytest.mark.parametrize(("path", "name", "floor"), SETS, ids=[s[1] for s in SETS])
def test_held_out_requests_are_mostly_handled_right(path, name, floor):
    results = list(outcomes(path, name))
    right = sum(
        1 for _, wanted, d in results if (d.intent if d.action == "answer" else d.reason) == wanted
    )
    assert right / len(results) >= floor, f"{right}/{len(results)}"
