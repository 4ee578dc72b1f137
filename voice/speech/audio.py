"""Telephone audio: G.711 μ-law codec, reading any WAV as 8 kHz mono PCM, frames, speech spans.

PCM here is always signed 16-bit little-endian mono bytes at 8 kHz unless a rate is named.
The codec is table-driven numpy, bit-exact with G.711 μ-law as `audioop` implemented it
(audioop is gone in Python 3.13).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile
import soxr

RATE = 8000
SAMPLE_WIDTH = 2  # bytes per 16-bit PCM sample
_BIAS = 0x84
_CLIP = 32635  # largest magnitude μ-law can represent before the bias is added


def _decode_table() -> np.ndarray:
    """Return the 256-entry μ-law byte → 16-bit sample table (G.711)."""
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F) << 3) + _BIAS) << exponent
    return np.where(u & 0x80, _BIAS - magnitude, magnitude - _BIAS).astype("<i2")


def _encode_table() -> np.ndarray:
    """Return the 65536-entry 16-bit sample (as uint16) → μ-law byte table (G.711)."""
    pcm = np.arange(65536, dtype=np.int32).astype(np.uint16).view(np.int16).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0x00)
    # G.711 works on 14-bit magnitudes: drop two bits first, exactly as the reference code does.
    magnitude = np.minimum(np.abs(pcm >> 2) << 2, _CLIP) + _BIAS
    exponent = np.floor(np.log2(magnitude >> 7)).astype(np.int32)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8)


_ULAW_TO_PCM = _decode_table()
_PCM_TO_ULAW = _encode_table()


def ulaw_to_pcm16(ulaw: bytes) -> bytes:
    """Decode G.711 μ-law bytes to 16-bit little-endian PCM."""
    return _ULAW_TO_PCM[np.frombuffer(ulaw, dtype=np.uint8)].tobytes()


def pcm16_to_ulaw(pcm16: bytes) -> bytes:
    """Encode 16-bit little-endian PCM to G.711 μ-law bytes."""
    return _PCM_TO_ULAW[np.frombuffer(pcm16, dtype="<u2")].tobytes()


def to_pcm16(samples: np.ndarray, rate: int) -> bytes:
    """Mix float samples (frames × channels, or mono) to mono and resample to 8 kHz PCM."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE, quality="HQ")
    # soundfile reads int16 as x / 32768, so scaling back by 32768 keeps 8 kHz PCM bit-exact.
    return np.clip(np.rint(mono * 32768.0), -32768, 32767).astype("<i2").tobytes()


def read_wav_8k(source: str | Path | BinaryIO) -> bytes:
    """Read an audio file (any WAV encoding, rate or channel count) as 8 kHz mono 16-bit PCM."""
    samples, rate = soundfile.read(source, dtype="float64", always_2d=True)
    return to_pcm16(samples, rate)


def frames(
    audio: bytes, ms: int = 20, rate: int = RATE, sample_width: int = SAMPLE_WIDTH
) -> Iterator[bytes]:
    """Split audio into frames of `ms` milliseconds, padding the last one with silence."""
    size = rate * ms // 1000 * sample_width
    silence = b"\xff" if sample_width == 1 else b"\x00"  # μ-law 0xFF and PCM 0 are both zero
    for start in range(0, len(audio), size):
        frame = audio[start : start + size]
        yield frame + silence * (size - len(frame))


def level_dbfs(pcm16: bytes) -> float:
    """Return the RMS level of PCM audio in dB relative to full scale (-inf for digital zero)."""
    samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float64)
    if not samples.size:
        return float("-inf")
    rms = np.sqrt(np.mean(samples * samples))
    return 20 * np.log10(rms / 32768.0) if rms else float("-inf")


def is_speech(frame: bytes, threshold_dbfs: float = -40.0) -> bool:
    """Say whether a PCM frame is loud enough to be speech (a plain energy gate)."""
    return level_dbfs(frame) > threshold_dbfs


def speech_spans(
    pcm16: bytes,
    ms: int = 20,
    threshold_dbfs: float = -40.0,
    min_gap_ms: int = 300,
    min_speech_ms: int = 60,
) -> list[tuple[float, float]]:
    """Return (start, end) seconds of speech, merging pauses shorter than `min_gap_ms`."""
    loud = [is_speech(f, threshold_dbfs) for f in frames(pcm16, ms)]
    spans: list[list[int]] = []
    for index, on in enumerate(loud):
        if not on:
            continue
        if spans and (index - spans[-1][1]) * ms < min_gap_ms:
            spans[-1][1] = index + 1
        else:
            spans.append([index, index + 1])
    end_of_audio = len(pcm16) / (RATE * SAMPLE_WIDTH)
    return [
        (start * ms / 1000, min(end * ms / 1000, end_of_audio))
        for start, end in spans
        if (end - start) * ms >= min_speech_ms
    ]
