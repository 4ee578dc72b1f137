"""Recognizers and greeting prompts for calls: one model per language, loaded once."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from voice.errors import ModelError
from voice.settings import Settings
from voice.speech import VoskRecognizer, find_model, load_model, load_prompt_file, prompt_ulaw
from voice.speech.types import StreamingRecognizer

log = logging.getLogger(__name__)


class SpeechProvider:
    """Find, load and share Vosk models by language; report what is missing."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._missing: dict[str, str] = {}
        self._paths: dict[str, Path] = {}
        self._lock = threading.Lock()

    def has_model(self, language: str) -> bool:
        """Return True when a model for `language` can be found (logs what is missing once)."""
        return self._path(language) is not None

    def recognizer(self, callflow: object) -> StreamingRecognizer:
        """Return a fresh streaming recognizer for one call turn in the callflow's language."""
        path = self._path(callflow.language)
        if path is None:
            raise ModelError(self._missing[callflow.language])
        grammar = callflow.grammar() if getattr(callflow, "speech_grammar", False) else None
        return VoskRecognizer(load_model(path), sample_rate=8000, grammar=grammar)

    def warm(self, languages: list[str]) -> None:
        """Load each language's model now, so the first caller does not wait for it."""
        for language in languages:
            if (path := self._path(language)) is not None:
                load_model(path)

    def status(self) -> dict[str, dict[str, str]]:
        """Return, per language asked about so far, where its model is or what is missing."""
        with self._lock:
            found = {lang: {"model": str(p)} for lang, p in self._paths.items()}
            return found | {lang: {"missing": why} for lang, why in self._missing.items()}

    def _path(self, language: str) -> Path | None:
        with self._lock:
            if language in self._paths:
                return self._paths[language]
            try:
                self._paths[language] = find_model(language, self.settings)
                self._missing.pop(language, None)
                return self._paths[language]
            except ModelError as exc:
                if language not in self._missing:
                    log.error("speech model missing; calls in %s go to a person: %s", language, exc)
                self._missing[language] = str(exc)
                return None


class Prompts:
    """Greeting audio to play over the stream, so callers can talk over it (barge-in)."""

    def __init__(self, settings: Settings):
        self.cache_dir = settings.var_dir / "prompts"
        self._cache: dict[tuple[str, str], bytes | None] = {}
        self._lock = threading.Lock()

    def greeting(self, callflow: object) -> bytes | None:
        """Return μ-law 8 kHz greeting audio, or None when it must be spoken with <Say>."""
        key = (callflow.name, callflow.greeting)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._make(callflow)
            return self._cache[key]

    def _make(self, callflow: object) -> bytes | None:
        recorded = getattr(callflow, "greeting_audio", None)
        if recorded:
            return load_prompt_file(Path(recorded))
        return prompt_ulaw(callflow.greeting, callflow.language, self.cache_dir)
