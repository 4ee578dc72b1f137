"""Score flow.decide() on labelled lines: wrong automation, coverage, routing, speed, memory.

Run: python bench/understanding/run.py [--set DIR ...] [--taught] [--verbose] [NAME ...]

Honesty rules (issue 10):
- A line the confidence was fitted on (bench/understanding, heldout, heldout2) is scored with a
  confidence refitted without it: leave one line out. Lines never fitted on (heldout3, heldout4,
  or any new folder) are scored with the shipped confidence.
- `--taught` also teaches each line from half of its labelled utterances (`voice callflows
  teach`, the same code) and scores the other half, against the same half untaught.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from calibrate import fit, halves, line_rows  # noqa: E402
from lines import BLIND_SETS, TRAINING_SETS, Line, load_lines, load_names  # noqa: E402

from voice.flow.cases import Case, Figures, replay  # noqa: E402
from voice.flow.teach import teach  # noqa: E402

TARGETS = {"wrong": 0.01, "coverage": 0.50, "taught_coverage": 0.80, "escalation_team": 0.90,
           "human": 1.0, "p99_ms": 15.0, "load_s": 2.0}  # fmt: skip


def rss_mib() -> float:
    """Return this process's resident memory in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def leave_one_out(lines: list[Line]) -> None:
    """Give each training line a confidence fitted on the other training lines only."""
    training = [line for line in lines if line.set in TRAINING_SETS]
    if not training or training[0].callflow.understanding is None:
        return
    rows = {line.callflow.name: line_rows(line) for line in training}
    sizes = {line.callflow.name: 2 * len(line.cases) for line in training}  # untaught and taught
    names = {line.callflow.name for line in training}
    for other in load_lines(TRAINING_SETS) if len(names) < len(load_names()) else []:
        if other.callflow.name not in rows:
            rows[other.callflow.name] = line_rows(other)
            sizes[other.callflow.name] = 2 * len(other.cases)
    model_id = training[0].callflow.understanding.embedder.id
    for line in training:
        name = line.callflow.name
        others = [r for n, rs in rows.items() if n != name for r in rs]
        held = fit(others, sum(s for n, s in sizes.items() if n != name), model_id)
        line.callflow.__dict__["calibration"] = held


def timed_replay(callflow, cases: list[Case]) -> tuple[Figures, list[float], list]:
    times = []
    outcomes = []
    figures = Figures()
    for case in cases:
        started = time.perf_counter()
        result = replay(callflow, [case])
        times.append(1000 * (time.perf_counter() - started))
        outcomes += result.outcomes
        figures.add(result.outcomes[0])
    return figures, times, outcomes


def pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%} ({part}/{whole})" if whole else "   n/a"


def report(label: str, f: Figures, times: list[float], load_s: float, memory: float) -> None:
    times = sorted(times) or [0.0]
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(f"{label}: {f.total} utterances")
    print(f"  wrong automation        {pct(f.wrong, f.total)}   target ≤ 1%")
    print(f"  coverage                {pct(f.covered, f.answerable)}   target ≥ 50% cold")
    print(f"  escalations, right team {pct(f.escalations_right, f.escalations)}   target ≥ 90%")
    print(f"  requests for a person   {pct(f.humans_transferred, f.humans)}   target 100%")
    print(
        f"  decide() p50 {statistics.median(times):.2f} ms  p99 {p99:.2f} ms   target p99 ≤ 15 ms"
    )
    print(f"  load (slowest line) {load_s * 1000:.0f} ms   memory {memory:.0f} MiB after loading")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="callflow names (default: every line)")
    parser.add_argument("--set", type=Path, action="append", help="a folder; repeatable")
    parser.add_argument("--taught", action="store_true", help="also teach from half, score half")
    parser.add_argument("--verbose", action="store_true", help="list every wrong answer and miss")
    args = parser.parse_args()
    sets = [p.resolve() for p in args.set] if args.set else [*TRAINING_SETS, *BLIND_SETS]
    before = rss_mib()
    lines = load_lines([s for s in sets if (s / "utterances").is_dir()], args.names or None)
    gc.collect()
    memory = rss_mib() - before
    leave_one_out(lines)
    for base in sets:
        chosen = [line for line in lines if line.set == base]
        if not chosen:
            continue
        how = "leave one line out" if base in TRAINING_SETS else "blind: shipped confidence"
        total, times, misses = Figures(), [], []
        taught_cold, taught_after = Figures(), Figures()
        for line in chosen:
            cases = line.as_cases()
            if line.callflow.understanding is not None:
                line.callflow.understanding.embedder.forget()
            figures, t, outcomes = timed_replay(line.callflow, cases)
            times += t
            for k in vars(total):
                setattr(total, k, getattr(total, k) + getattr(figures, k))
            misses += [(line.callflow.name, o) for o in outcomes if o.verdict != "right"]
            if args.taught:
                teach_half, score_half = halves(cases)
                taught, _ = teach(line.callflow, teach_half)
                for into, callflow in ((taught_cold, line.callflow), (taught_after, taught)):
                    for o in replay(callflow, score_half).outcomes:
                        into.add(o)
        name = base.relative_to(HERE) if base.is_relative_to(HERE) else base
        report(f"{name} ({how})", total, times, max(x.load_s for x in chosen), memory)
        if args.taught:
            print(f"  taught from half, scored on the other half ({taught_after.total}):")
            print(
                f"    coverage untaught {pct(taught_cold.covered, taught_cold.answerable)}"
                f"  taught {pct(taught_after.covered, taught_after.answerable)}   target ≥ 80%"
            )
            print(
                f"    wrong    untaught {pct(taught_cold.wrong, taught_cold.total)}"
                f"  taught {pct(taught_after.wrong, taught_after.total)}   target ≤ 1%"
            )
        if args.verbose:
            for name, o in sorted(misses, key=lambda m: (m[1].verdict, m[0])):
                mark = "WRONG" if o.wrong else "miss "
                print(f"    {mark} {name}: {o.case.text!r} expected {o.case.expect}, got {o.got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
