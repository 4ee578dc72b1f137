"""Over every labelled benchmark utterance (bench/understanding), the rights that must never slip.

Coverage and wrong-automation figures are tracked by the benchmark itself; these pin the rules:
a caller who asks for a person always gets one, and a sensitive topic never gets the bot.
"""

import datetime as dt
import json

import pytest

from voice.flow import decide, load_callflow
from voice.flow.types import CallerContext, Utterance

from conftest import ROOT

BENCH = ROOT / "bench" / "understanding"
CASES = [
    (path.stem, json.loads(line))
    for path in sorted((BENCH / "utterances").glob("*.jsonl"))
    for line in path.read_text().splitlines()
    if line.strip()
]


def callflow(name):
    local = BENCH / "callflows" / f"{name}.yaml"
    return load_callflow(local if local.exists() else ROOT / "callflows" / f"{name}.yaml")


FLOWS = {name: callflow(name) for name in sorted({name for name, _ in CASES})}


def decided(name, case):
    flow = FLOWS[name]
    context = CallerContext(
        number="+15550000000",
        now=dt.datetime(2026, 3, 4, 10, 30, tzinfo=flow.business.tz),
        calls_today=case.get("calls_today", 0),
    )
    return decide(flow, Utterance(case["text"], case.get("confidence", 0.9)), context)


@pytest.mark.parametrize(
    ("name", "case"),
    [c for c in CASES if c[1]["expect"] == "transfer:human"],
    ids=lambda v: v["text"][:40] if isinstance(v, dict) else v,
)
def test_every_way_of_asking_for_a_person_reaches_one(name, case):
    assert decided(name, case).action == "transfer"


@pytest.mark.parametrize(
    ("name", "case"),
    [c for c in CASES if c[1]["expect"].startswith("transfer:escalation:")],
    ids=lambda v: v["text"][:40] if isinstance(v, dict) else v,
)
def test_a_sensitive_topic_never_gets_an_automated_answer(name, case):
    assert decided(name, case).action == "transfer"


def test_the_benchmark_has_three_industries_and_at_least_400_utterances():
    assert len(FLOWS) >= 3 and len(CASES) >= 400
