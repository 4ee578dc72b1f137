"""Score flow.decide() on the labelled utterances: wrong automation, coverage, routing, speed.

Run: python bench/understanding/run.py [--verbose] [NAME ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from voice.flow import decide, load_callflow  # noqa: E402
from voice.flow.types import CallerContext, Utterance  # noqa: E402

TARGETS = {"wrong_automation": 0.01, "coverage": 0.90, "escalation_team": 1.0, "human": 1.0,
           "p99_ms": 5.0, "load_s": 2.0}  # fmt: skip
# A weekday mid-morning, so answers that mention today's hours render.
NOW = dt.datetime(2026, 3, 4, 10, 30)


@dataclass
class Score:
    """Counts for one callflow (or all of them)."""

    total: int = 0
    wrong: int = 0
    answerable: int = 0
    covered: int = 0
    escalations: int = 0
    escalations_right: int = 0
    humans: int = 0
    humans_transferred: int = 0
    times_ms: list[float] = field(default_factory=list)
    load_s: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("total", "wrong", "answerable", "covered", "escalations",
                     "escalations_right", "humans", "humans_transferred"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.times_ms += other.times_ms
        self.load_s = max(self.load_s, other.load_s)
        self.misses += other.misses


def callflow_path(base: Path, name: str) -> Path:
    local = base / "callflows" / f"{name}.yaml"
    return local if local.exists() else ROOT / "callflows" / f"{name}.yaml"


def score(base: Path, name: str) -> Score:
    result = Score()
    started = time.perf_counter()
    callflow = load_callflow(callflow_path(base, name))
    result.load_s = time.perf_counter() - started
    now = NOW.replace(tzinfo=callflow.business.tz)
    for line in (base / "utterances" / f"{name}.jsonl").read_text().splitlines():
        if line.strip():
            judge(callflow, json.loads(line), now, result)
    return result


def judge(callflow, case: dict, now: dt.datetime, result: Score) -> None:  # noqa: ANN001
    context = CallerContext(number="+15550000000", now=now, calls_today=case.get("calls_today", 0))
    utterance = Utterance(case["text"], confidence=case.get("confidence", 0.9))
    started = time.perf_counter()
    decision = decide(callflow, utterance, context)
    result.times_ms.append(1000 * (time.perf_counter() - started))
    expect, answered = case["expect"], decision.action == "answer"
    result.total += 1
    ok = True
    if expect.startswith("answer:"):
        result.answerable += 1
        right = answered and decision.intent == expect.removeprefix("answer:")
        result.covered += right
        wrong = answered and not right
        ok = right
    else:
        wrong = answered
        ok = not answered
        if expect.startswith("transfer:escalation:"):
            team = callflow.escalations[expect.removeprefix("transfer:escalation:")].team
            result.escalations += 1
            hit = not answered and decision.team == team
            result.escalations_right += hit
            ok = hit
        elif expect == "transfer:human":
            result.humans += 1
            result.humans_transferred += not answered
    result.wrong += wrong
    if not ok:
        got = f"{decision.action}:{decision.intent or decision.reason}→{decision.team}"
        mark = "WRONG " if wrong else "miss  "
        result.misses.append(
            f"{mark}{callflow.name}: {case['text']!r} expected {expect}, got {got}"
        )


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def report(label: str, s: Score) -> bool:
    times = sorted(s.times_ms)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))] if times else 0.0
    figures = {
        "wrong_automation": ratio(s.wrong, s.total),
        "coverage": ratio(s.covered, s.answerable),
        "escalation_team": ratio(s.escalations_right, s.escalations),
        "human": ratio(s.humans_transferred, s.humans),
        "p99_ms": p99,
        "load_s": s.load_s,
    }
    met = {k: (v <= TARGETS[k] if k in ("wrong_automation", "p99_ms", "load_s")
               else v >= TARGETS[k]) for k, v in figures.items()}  # fmt: skip
    tick = {True: "ok", False: "MISSED"}
    print(f"{label}: {s.total} utterances")
    print(
        f"  wrong automation        {figures['wrong_automation']:6.1%}  ({s.wrong})"
        f"   target ≤ 1%    {tick[met['wrong_automation']]}"
    )
    print(
        f"  coverage                {figures['coverage']:6.1%}  ({s.covered}/{s.answerable})"
        f"   target ≥ 90%   {tick[met['coverage']]}"
    )
    print(
        f"  escalations, right team {figures['escalation_team']:6.1%}  "
        f"({s.escalations_right}/{s.escalations})   target 100%   {tick[met['escalation_team']]}"
    )
    print(
        f"  requests for a person   {figures['human']:6.1%}  "
        f"({s.humans_transferred}/{s.humans})   target 100%   {tick[met['human']]}"
    )
    median = statistics.median(times) if times else 0.0
    print(
        f"  decide() per utterance  p50 {median:.2f} ms  p99 {p99:.2f} ms"
        f"   target p99 ≤ 5 ms   {tick[met['p99_ms']]}"
    )
    print(
        f"  load                    {s.load_s * 1000:.0f} ms   target ≤ 2 s   {tick[met['load_s']]}"
    )
    return all(met.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="callflow names (default: every utterance file)")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument(
        "--set",
        type=Path,
        default=HERE,
        help="a folder with callflows/ and utterances/ (e.g. bench/understanding/heldout)",
    )
    args = parser.parse_args()
    names = args.names or sorted(p.stem for p in (args.set / "utterances").glob("*.jsonl"))
    overall = Score()
    for name in names:
        s = score(args.set, name)
        report(name, s)
        overall.add(s)
    met = report("ALL", overall)
    if args.verbose:
        print("\n".join(sorted(overall.misses)))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
