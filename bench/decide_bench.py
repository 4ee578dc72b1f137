"""Time callflow loading and decide() on a few hundred varied utterances (not just examples).

Run: python bench/decide_bench.py [CALLFLOW]   (default: callflows/acme-outfitters.yaml)
Budget: load <= 2 s, p99 decide() <= 15 ms per utterance on one core with the understanding
model (issue 10); the words-only path is timed in the same run for the ratio.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from voice.flow import CallerContext, Utterance, decide, is_human_request, load_callflow

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "tests" / "data" / "utterances" / "acme-outfitters.tsv"

OPENERS = ["", "hi ", "um ", "yeah hi, ", "hello there, i was wondering ", "quick question, "]
ASKS = [
    "what time do you close",
    "are you open on sunday",
    "where is my order",
    "has my package shipped yet",
    "what's your return policy",
    "how much is shipping",
    "do you sell gift cards",
    "can i rent a kayak this weekend",
    "do you price match",
    "where are you located",
    "i want to talk to a person",
    "agent",
    "representative please",
    "my husband passed away last week",
    "there's a charge on my card i didn't make",
    "i want to cancel my order",
    "this is ridiculous",
    "do you sell cars",
    "what's the weather like",
    "can you book me a flight to denver",
    "i bought a tent from you guys last month and one of the poles snapped on the first night "
    "so i was hoping to exchange it or get a refund or something",
    "",
    "uh",
    "do you have the blue rain jacket in a medium in the austin store",
]
CLOSERS = ["", " please", " thanks", " today"]


def utterances() -> list[str]:
    """Return a few hundred varied utterances: combinations plus the held-out set."""
    said = [o + a + c for o, a, c in itertools.product(OPENERS, ASKS, CLOSERS)]
    if HELD_OUT.exists():
        for line in HELD_OUT.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                said.append(line.split("\t")[0])
    return said


def percentile(samples: list[float], q: float) -> float:
    """Return the q-th percentile (0..100) of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_mib() -> float:
    """Return this process's resident memory in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def timed(callflow, said: list[str], context: CallerContext) -> tuple[list[float], dict]:
    """Return decide() times in ms, each on words the model has not seen yet, and the reasons."""
    index = callflow.understanding
    times, reasons = [], {}
    for text in said:
        if index is not None:
            index.embedder.forget()  # a caller's words are new: time the model, not its cache
        start = time.perf_counter()
        decision = decide(callflow, Utterance(text), context)
        times.append((time.perf_counter() - start) * 1000)
        reasons[decision.reason] = reasons.get(decision.reason, 0) + 1
    return times, reasons


def main() -> None:
    """Print load time, memory, and decide() p50/p99 with and without the understanding model."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the budget says
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "callflows" / "acme-outfitters.yaml"
    before = rss_mib()
    start = time.perf_counter()
    callflow = load_callflow(path)  # with the understanding model when one is installed
    load_s = time.perf_counter() - start
    memory = rss_mib() - before
    words = replace(callflow)
    words.__dict__["understanding"] = None
    context = CallerContext(now=dt.datetime(2025, 3, 5, 12, 0, tzinfo=callflow.business.tz))
    said = utterances()
    for text in said[:50]:  # warm up both paths
        decide(callflow, Utterance(text), context)
        decide(words, Utterance(text), context)
    partials = []
    for text in said:
        start = time.perf_counter()
        is_human_request(callflow, text)
        partials.append((time.perf_counter() - start) * 1000)
    model = callflow.understanding.embedder.id if callflow.understanding else "none installed"
    print(f"callflow: {callflow.name} ({path}); understanding model: {model}")
    print(f"load (parse, validate, index, embed examples): {load_s * 1000:.0f} ms; "
          f"memory +{memory:.0f} MiB")  # fmt: skip
    ms, reasons = timed(callflow, said, context)
    plain, _ = timed(words, said, context)
    for label, sample in (("with understanding", ms), ("words only", plain)):
        print(
            f"decide() {label}: {len(sample)} utterances  p50 {percentile(sample, 50):.3f} ms  "
            f"p99 {percentile(sample, 99):.3f} ms  max {max(sample):.3f} ms  "
            f"mean {statistics.fmean(sample):.3f} ms"
        )
    ratio = statistics.fmean(ms) / statistics.fmean(plain)
    print(f"understanding costs {ratio:.1f}x the words-only path (same run)")
    print(f"is_human_request(): p99 {percentile(partials, 99):.3f} ms")
    print("reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    ok = load_s <= 2.0 and percentile(ms, 99) <= 15.0
    print("within budget (load <= 2 s, p99 <= 15 ms on one core):", "yes" if ok else "NO")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
