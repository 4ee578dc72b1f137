"""Speech: telephone audio, Vosk models and streaming recognition, and spoken prompts.

Public names are imported on first use, so code that needs only `voice.speech.types` (flow,
web) does not load numpy, soxr and libvosk.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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
    from .models import (
        find_model,
        installed_models,
        is_model_dir,
        model_fingerprint,
        model_status,
    )
    from .recognizer import VoskRecognizer, load_model, model_for
    from .tts import load_prompt_file, prompt_ulaw, synthesize
    from .types import Final, Partial, Result, StreamingRecognizer

__all__ = [
    "Final",
    "Partial",
    "Result",
    "StreamingRecognizer",
    "VoskRecognizer",
    "download_model",
    "find_model",
    "frames",
    "installed_models",
    "is_model_dir",
    "is_speech",
    "level_dbfs",
    "load_model",
    "load_prompt_file",
    "model_fingerprint",
    "model_for",
    "model_status",
    "pcm16_to_ulaw",
    "prompt_ulaw",
    "read_wav_8k",
    "speech_spans",
    "synthesize",
    "ulaw_to_pcm16",
]

_SUBMODULES = ("types", "audio", "models", "download", "recognizer", "tts")  # lightest first


def __getattr__(name: str) -> object:
    """Import a public name from the submodule that defines it, on first use."""
    if name in __all__:
        for submodule in _SUBMODULES:
            module = importlib.import_module(f".{submodule}", __name__)
            if name in vars(module):
                globals()[name] = value = vars(module)[name]
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
