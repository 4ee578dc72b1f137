from __future__ import annotations

import warnings

import numpy as np
import pytest
import soundfile

from voice.speech.audio import (
    frames,
    is_speech,
    level_dbfs,
    pcm16_to_ulaw,
    read_wav_8k,
    speech_spans,
    ulaw_to_pcm16,
)

# G.711 μ-law reference values at 16-bit scale (ITU-T G.711 table 2a, as 16-bit linear).
DECODED = {0x00: -32124, 0x0F: -16764, 0x70: -120, 0x7E: -8, 0x7F: 0, 0x80: 32124, 0xFE: 8, 0xFF: 0}
ENCODED = {0: 0xFF, 1: 0xFF, -1: 0x7E, 8: 0xFE, -8: 0x7E, 32767: 0x80, -32768: 0x00, 1000: 0xCE}


def pcm(*samples: int) -> bytes:
    return np.array(samples, dtype="<i2").tobytes()


def samples(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<i2")


def tone(freq: float, seconds: float, rate: int, dbfs: float = -6.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t)


def dominant_hz(data: bytes) -> float:
    spectrum = np.abs(np.fft.rfft(samples(data).astype(float)))
    return float(np.argmax(spectrum) * 8000 / len(samples(data)))


def test_ulaw_decodes_to_g711_reference_values():
    decoded = samples(ulaw_to_pcm16(bytes(DECODED)))
    assert dict(zip(DECODED, decoded.tolist(), strict=True)) == DECODED


def test_ulaw_encodes_to_g711_reference_values():
    encoded = pcm16_to_ulaw(pcm(*ENCODED))
    assert dict(zip(ENCODED, encoded, strict=True)) == ENCODED


def test_ulaw_codec_matches_audioop_for_every_sample_and_code():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")  # removed in Python 3.13
    every_sample = np.arange(-32768, 32768, dtype="<i2").tobytes()
    assert pcm16_to_ulaw(every_sample) == audioop.lin2ulaw(every_sample, 2)
    assert ulaw_to_pcm16(bytes(range(256))) == audioop.ulaw2lin(bytes(range(256)), 2)


def test_ulaw_round_trip_keeps_every_code_but_negative_zero():
    codes = bytes(range(256))
    again = pcm16_to_ulaw(ulaw_to_pcm16(codes))
    assert [c for c, a in zip(codes, again, strict=True) if c != a] == [0x7F]  # -0 becomes +0
    assert again[0x7F] == 0xFF


def test_ulaw_error_stays_within_half_a_step_of_its_segment():
    x = np.arange(-32124, 32125).astype("<i2")
    y = samples(ulaw_to_pcm16(pcm16_to_ulaw(x.tobytes()))).astype(int)
    error = np.abs(x.astype(int) - y)
    # Half a step is about |x| / 32; G.711 drops two low bits first, which adds up to 8.
    assert (error <= np.abs(x.astype(int)) / 32 + 8).all()


def test_codec_preserves_length_and_one_byte_per_sample():
    assert len(pcm16_to_ulaw(bytes(320))) == 160
    assert len(ulaw_to_pcm16(bytes(160))) == 320


def test_44k_stereo_float_wav_becomes_8k_mono(tmp_path):
    left = tone(440, 1.0, 44100)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, left * 0.5], axis=1), 44100, subtype="FLOAT")
    out = read_wav_8k(path)
    assert len(out) == 8000 * 2  # one second, mono, 16-bit
    assert dominant_hz(out) == pytest.approx(440, abs=2)
    assert level_dbfs(out) == pytest.approx(20 * np.log10(0.75 * 0.5 / np.sqrt(2)), abs=0.5)


def test_16k_pcm_wav_becomes_8k_and_keeps_the_voice_band(tmp_path):
    path = tmp_path / "16k.wav"
    soundfile.write(path, tone(1000, 0.5, 16000), 16000, subtype="PCM_16")
    out = read_wav_8k(path)
    assert len(out) == 4000 * 2
    assert dominant_hz(out) == pytest.approx(1000, abs=4)


def test_resampling_removes_frequencies_a_phone_line_cannot_carry(tmp_path):
    path = tmp_path / "6k.wav"
    soundfile.write(path, tone(6000, 0.5, 16000), 16000, subtype="PCM_16")
    out = read_wav_8k(path)
    assert level_dbfs(out[800:-800]) < -80  # no 2 kHz alias of the 6 kHz tone (edges aside)


def test_8k_mono_pcm_wav_reads_back_bit_exact(tmp_path):
    original = np.random.default_rng(2).integers(-32768, 32768, 800).astype("<i2")
    path = tmp_path / "8k.wav"
    soundfile.write(path, original, 8000, subtype="PCM_16")
    assert read_wav_8k(path) == original.tobytes()


def test_ulaw_wav_reads_as_the_pcm_it_encodes(tmp_path):
    codes = bytes(range(256)) * 4
    path = tmp_path / "ulaw.wav"
    soundfile.write(path, samples(ulaw_to_pcm16(codes)), 8000, subtype="ULAW")
    assert pcm16_to_ulaw(read_wav_8k(path)) == pcm16_to_ulaw(ulaw_to_pcm16(codes))


def test_frames_are_20_ms_and_the_last_is_padded_with_silence():
    audio = pcm(*range(1, 401))  # 50 ms at 8 kHz
    split = list(frames(audio))
    assert [len(f) for f in split] == [320, 320, 320]
    assert b"".join(split)[: len(audio)] == audio
    assert split[-1][160:] == bytes(160)


def test_ulaw_frames_are_160_bytes_padded_with_ulaw_silence():
    split = list(frames(b"\x10" * 200, sample_width=1))
    assert [len(f) for f in split] == [160, 160]
    assert split[-1][40:] == b"\xff" * 120


def line_with_speech(*parts: tuple[str, float]) -> bytes:
    """Join ('speech'|'quiet', seconds) parts: a 300 Hz tone at -10 dBFS or -65 dBFS noise."""
    rng = np.random.default_rng(3)
    chunks = [
        tone(300, sec, 8000, -10)
        if kind == "speech"
        else rng.normal(0, 10 ** (-65 / 20), int(8000 * sec))
        for kind, sec in parts
    ]
    return (np.concatenate(chunks) * 32767).astype("<i2").tobytes()


def test_speech_spans_find_each_stretch_of_speech():
    audio = line_with_speech(
        ("quiet", 0.5), ("speech", 0.8), ("quiet", 0.6), ("speech", 0.4), ("quiet", 0.5)
    )
    spans = speech_spans(audio)
    assert len(spans) == 2
    assert spans[0] == pytest.approx((0.5, 1.3), abs=0.03)
    assert spans[1] == pytest.approx((1.9, 2.3), abs=0.03)


def test_short_pauses_inside_speech_do_not_split_it():
    audio = line_with_speech(("speech", 0.5), ("quiet", 0.1), ("speech", 0.5), ("quiet", 0.3))
    assert speech_spans(audio) == [pytest.approx((0.0, 1.1), abs=0.03)]


def test_quiet_line_noise_and_digital_silence_are_not_speech():
    noise = line_with_speech(("quiet", 1.0))
    assert speech_spans(noise) == [] and speech_spans(bytes(16000)) == []
    assert not is_speech(noise[:320]) and not is_speech(bytes(320))
    assert is_speech(line_with_speech(("speech", 0.02)))
