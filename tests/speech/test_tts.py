from __future__ import annotations

import shutil

import numpy as np
import pytest
import soundfile

from voice.errors import TtsUnavailable
from voice.speech import tts
from voice.speech.audio import speech_spans, ulaw_to_pcm16
from voice.speech.tts import espeak_voice, load_prompt_file, prompt_ulaw, synthesize

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


@pytest.fixture
def no_espeak(tmp_path, monkeypatch):
    """A machine without espeak-ng: an empty PATH, and no warning given yet."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(tts, "_warned", set())


def seconds(pcm16: bytes) -> float:
    return len(pcm16) / 16000


@pytest.mark.parametrize(
    ("language", "voice"),
    [("en-US", "en-us"), ("ko-KR", "ko"), ("ko", "ko"), ("fr-FR", "fr"), ("de_DE", "de")],
)
def test_the_espeak_voice_follows_the_callflow_language(language, voice):
    assert espeak_voice(language) == voice


@needs_espeak
@pytest.mark.parametrize(
    ("text", "language", "shortest", "longest"),
    [
        ("Thanks for calling. I'm an automated assistant.", "en-US", 1.5, 5.0),
        ("상담원을 연결해 드리겠습니다", "ko-KR", 1.0, 5.0),
    ],
)
def test_a_synthesized_prompt_is_8khz_speech_of_plausible_length(text, language, shortest, longest):
    pcm = synthesize(text, language)
    assert shortest < seconds(pcm) < longest
    spans = speech_spans(pcm)
    assert spans and spans[-1][1] - spans[0][0] > shortest * 0.8


@needs_espeak
def test_a_prompt_is_synthesized_once_then_served_from_the_cache(tmp_path, monkeypatch):
    first = prompt_ulaw("영업 시간은 아홉 시부터입니다", "ko-KR", tmp_path)
    assert first and len(list(tmp_path.glob("*.ulaw"))) == 1
    assert 1.0 < len(first) / 8000 < 5.0  # μ-law: one byte per sample at 8 kHz

    def no_second_synthesis(*args):
        raise AssertionError("synthesized again")

    monkeypatch.setattr(tts, "synthesize", no_second_synthesis)
    assert prompt_ulaw("영업 시간은 아홉 시부터입니다", "ko-KR", tmp_path) == first


@needs_espeak
def test_prompts_differing_in_text_or_voice_are_cached_apart(tmp_path):
    english = prompt_ulaw("hello", "en-US", tmp_path)
    assert prompt_ulaw("hello", "en-GB", tmp_path) != english
    assert prompt_ulaw("hello there", "en-US", tmp_path) != english
    assert len(list(tmp_path.glob("*.ulaw"))) == 3


def test_synthesis_without_espeak_says_how_to_install_it(no_espeak):
    with pytest.raises(TtsUnavailable, match="apt-get install espeak-ng"):
        synthesize("hello", "en-US")


def test_a_prompt_without_espeak_is_none_with_one_warning(no_espeak, tmp_path, caplog):
    cache = tmp_path / "prompts"
    with caplog.at_level("WARNING", logger="voice.speech.tts"):
        assert prompt_ulaw("hello", "en-US", cache) is None
        assert prompt_ulaw("goodbye", "en-US", cache) is None
    assert len(caplog.records) == 1 and "espeak-ng" in caplog.records[0].getMessage()
    assert not cache.exists()


@needs_espeak
def test_an_unknown_voice_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(TtsUnavailable, match="voice zz"):
        synthesize("hello", "zz-ZZ")
    monkeypatch.setattr(tts, "_warned", set())
    assert prompt_ulaw("hello", "zz-ZZ", tmp_path) is None


def test_a_recorded_prompt_in_any_format_becomes_8khz_ulaw(tmp_path):
    t = np.arange(16000) / 16000
    stereo = np.stack([np.sin(2 * np.pi * 500 * t)] * 2, axis=1) * 0.5
    path = tmp_path / "greeting.wav"
    soundfile.write(path, stereo, 16000, subtype="PCM_24")
    ulaw = load_prompt_file(path)
    assert len(ulaw) == 8000  # one second, one byte per sample
    assert speech_spans(ulaw_to_pcm16(ulaw)) == [pytest.approx((0.0, 1.0), abs=0.03)]
