"""Fit the learned confidence (voice/flow/confidence.py) on labelled lines; shared by the scripts.

A row is one labelled utterance that reached the matcher with an intent closest: its features,
and whether that intent is what the caller wanted. Rows come from each line as it is, and as if
it had been taught half its labelled calls, so the confidence also holds for a taught line.
The fit is an L2-regularised logistic regression (Newton's method, numpy only). The answer
bar is the lowest probability that keeps wrong answers at or below `target` of *all* the
fitted lines' utterances, as the benchmark counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from voice.flow import decide
from voice.flow.cases import Case
from voice.flow.confidence import Calibration
from voice.flow.teach import addition_for, with_additions
from voice.flow.text import normalise
from voice.flow.types import CallerContext, Utterance

FEATURES = (
    "score", "margin", "escalation_margin", "nearest", "out_of_scope_gap", "weak_part",
    "length", "lexical", "lexical_top", "agree", "answer", "answer_margin", "unknown",
    "unknown_to_label", "lexical_lead", "lexical_sure", "examples", "votes",
    "nearest_lead", "centre", "centre_lead", "votes_by_size", "lead_by_size",
)  # fmt: skip
L2 = 1.0
TARGET = 0.005  # at most 0.5% wrong on the fitted lines (0.25% cost ~10 points of coverage and
# removed only 3 of 19 wrong answers on the blind lines: those sit far above either bar)
NOW = dt.datetime(2026, 3, 4, 10, 30)  # a weekday mid-morning, as run.py uses
NEVER = Calibration(
    "probe", (), (), (), (), 0.0, 2.0
)  # never answers: every case reaches the matcher


@dataclass(frozen=True)
class Row:
    """One utterance the matcher would judge: features, and whether its top intent is right."""

    line: str
    features: tuple[float, ...]
    right: bool


def rows_for(callflow, cases: list[Case]) -> list[Row]:  # a loaded Callflow
    """Return the rows of one line's labelled cases (the matcher never answers while probing)."""
    kept = callflow.__dict__.get("calibration")
    callflow.__dict__["calibration"] = replace(NEVER, model_id=callflow.understanding.embedder.id)
    now = NOW.replace(tzinfo=callflow.business.tz)
    rows = []
    try:
        for case in cases:
            context = CallerContext("+15550000000", now, calls_today=case.calls_today)
            decision = decide(callflow, Utterance(case.text, case.confidence), context)
            closest = decision.detail.get("closest")
            if not closest or closest[0] != "intent":
                continue
            text = normalise(case.text, callflow.lexicon)
            index = callflow.understanding
            reading = index.weigh_parts(index.read(text, callflow.matcher.rank(text)), text)
            values = tuple(reading.features[f] for f in FEATURES)
            rows.append(Row(callflow.name, values, case.expect == f"answer:{closest[1]}"))
    finally:
        callflow.__dict__["calibration"] = kept
    return rows


def halves(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """Split cases into two halves with each label alternating between them (deterministic)."""
    ordered = sorted(cases, key=lambda c: (c.expect, c.line))
    return ordered[0::2], ordered[1::2]


def taught_rows(callflow, cases: list[Case]) -> list[Row]:
    """Return rows from a line that knows half its cases as examples, read on the other half.

    Every labelled request of the known half is added as an example, as `teach` adds them;
    both halves take a turn.
    """
    rows = []
    for known, scored in (halves(cases), halves(cases)[::-1]):
        asks = [c for c in known if c.expect.startswith(("answer:", "transfer:escalation:"))]
        taught = with_additions(callflow, [addition_for(c) for c in asks])
        rows += rows_for(taught, scored)
    return rows


def line_rows(line) -> list[Row]:  # lines.Line
    """Return a line's rows as it is today and as if taught from half its calls."""
    cases = line.as_cases()
    return rows_for(line.callflow, cases) + taught_rows(line.callflow, cases)


def fit(rows: list[Row], utterances: int, model_id: str, target: float = TARGET) -> Calibration:
    """Return a calibration fitted on rows; `utterances` counts every fitted line's cases."""
    x = np.array([r.features for r in rows], dtype=np.float64)
    y = np.array([r.right for r in rows], dtype=np.float64)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.r_[np.full(len(w) - 1, L2), 0.0]
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -60, 60)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    calibration = Calibration(model_id, FEATURES, tuple(mean), tuple(scale), tuple(w[:-1]),
                              float(w[-1]), 2.0)  # fmt: skip
    probabilities = np.array([calibration.probability(dict(zip(FEATURES, r.features, strict=True)))
                              for r in rows])  # fmt: skip
    return replace(calibration, threshold=answer_bar(probabilities, y, utterances, target))


def answer_bar(
    probabilities: np.ndarray, right: np.ndarray, utterances: int, target: float
) -> float:
    """Return the lowest bar whose answers stay within `target` wrong of all utterances."""
    bar, wrong = 1.0, 0
    order = np.argsort(-probabilities, kind="stable")
    for i, j in enumerate(order):
        wrong += not right[j]
        if wrong / utterances > target:
            break
        # answer at this probability only if the next one down is strictly lower (no split ties)
        if i + 1 == len(order) or probabilities[order[i + 1]] < probabilities[j]:
            bar = float(probabilities[j])
    return bar
