"""Speech: telephone audio, Vosk models and streaming recognition, and spoken prompts.

The public names below are imported on first use, so that code needing only `voice.speech.types`
(flow, web) does not load numpy, soxr and libvosk.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "audio": ("frames", "is_speech", "level_dbfs", "pcm16_to_ulaw", "read_wav_8k",
              "speech_spans", "ulaw_to_pcm16"),
    "download": ("download_model",),
    "models": ("find_model", "installed_models", "is_model_dir", "model_status"),
    "recognizer": ("VoskRecognizer", "load_model", "model_for"),
    "tts": ("load_prompt_file", "prompt_ulaw", "synthesize"),
    "types": ("Final", "Partial", "Result", "StreamingRecognizer"),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)

if TYPE_CHECKING:
    from .audio import (
        frames,
        is_speech,
        level_dbfs,
        pcm16_to_ulaw,
        read_wav_8k,
        speech_spans,
        ulaw_to_pcm16,
    )
    from .download import download_model
    from .models import find_model, installed_models, is_model_dir, model_status
    from .recognizer import VoskRecognizer, load_model, model_for
    from .tts import load_prompt_file, prompt_ulaw, synthesize
    from .types import Final, Partial, Result, StreamingRecognizer


def __getattr__(name: str) -> object:
    """Import a public name from its module on first use."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value
