"""Time callflow loading and decide() on a few hundred varied utterances (not just examples).

Run: python bench/decide_bench.py [CALLFLOW]   (default: callflows/acme-outfitters.yaml)
Budget: load <= 2 s, p99 decide() <= 5 ms per utterance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import sys
import time
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


def main() -> None:
    """Print load time and decide() p50/p99/max."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "callflows" / "acme-outfitters.yaml"
    start = time.perf_counter()
    callflow = load_callflow(path)
    load_s = time.perf_counter() - start
    context = CallerContext(now=dt.datetime(2025, 3, 5, 12, 0, tzinfo=callflow.business.tz))
    said = utterances()
    for text in said[:50]:  # warm up
        decide(callflow, Utterance(text), context)
    timings, partials, actions = [], [], {}
    for text in said:
        start = time.perf_counter()
        decision = decide(callflow, Utterance(text), context)
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        is_human_request(callflow, text)
        partials.append(time.perf_counter() - start)
        actions[decision.reason] = actions.get(decision.reason, 0) + 1
    ms = [t * 1000 for t in timings]
    print(f"callflow: {callflow.name} ({path})")
    print(f"load (parse, validate, index): {load_s * 1000:.0f} ms")
    print(
        f"decide(): {len(ms)} utterances  p50 {percentile(ms, 50):.3f} ms  "
        f"p99 {percentile(ms, 99):.3f} ms  max {max(ms):.3f} ms  "
        f"mean {statistics.fmean(ms):.3f} ms"
    )
    print(f"is_human_request(): p99 {percentile([t * 1000 for t in partials], 99):.3f} ms")
    print("reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(actions.items())))
    ok = load_s <= 2.0 and percentile(ms, 99) <= 5.0
    print("within budget (load <= 2 s, p99 <= 5 ms):", "yes" if ok else "NO")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
