"""Recognizers and greeting prompts for calls: one model per language, loaded once."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from voice.errors import ModelError
from voice.flow.model import Callflow
from voice.settings import Settings
from voice.speech import (
    VoskRecognizer,
    find_model,
    load_model,
    load_prompt_file,
    model_fingerprint,
    prompt_ulaw,
)
from voice.speech.types import StreamingRecognizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadFailure:
    """A model that failed to load: where, why, and its files as they were then."""

    path: Path
    error: str
    fingerprint: tuple[tuple[str, int, int], ...]


class SpeechProvider:
    """Find, load and share Vosk models by language; report what is missing or broken.

    A model is loaded at warm-up and, failing that, when a call first needs it. A model that
    fails to load is remembered with its error: `has_model` then says False, so new calls
    go to a person at once instead of failing mid-stream, until its files change (reinstalled),
    when the next call tries again. `has_model` never loads a model: webhooks call it.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._missing: dict[str, str] = {}
        self._paths: dict[str, Path] = {}
        self._failed: dict[str, LoadFailure] = {}
        self._loaded: dict[str, Path] = {}
        self._loading: set[str] = set()
        self._lock = threading.Lock()

    def has_model(self, language: str) -> bool:
        """Return True when a model for `language` is found and has not failed to load."""
        path = self._path(language)
        return path is not None and self._failure(language, path) is None

    def recognizer(self, callflow: Callflow) -> StreamingRecognizer:
        """Return a fresh streaming recognizer for one call turn in the callflow's language."""
        model = self._model(callflow.language)
        grammar = callflow.grammar() if getattr(callflow, "speech_grammar", False) else None
        return VoskRecognizer(model, sample_rate=8000, grammar=grammar)

    def warm(self, languages: list[str]) -> None:
        """Load each language's model now, so the first caller does not wait for it.

        A model that is missing or fails to load is logged and remembered, not raised.
        """
        for language in languages:
            with contextlib.suppress(ModelError):  # logged and remembered by _path and _model
                self._model(language)

    def status(self) -> dict[str, dict[str, str]]:
        """Return, per language asked about so far, its model and state, or what is wrong.

        Each is one of `{"model": path, "state": "loaded" | "loading" | "not loaded yet"}`,
        `{"model": path, "failed": error}` or `{"missing": why}`.
        """
        with self._lock:
            languages = sorted(set(self._paths) | set(self._missing) | set(self._failed))
        report: dict[str, dict[str, str]] = {}
        for language in languages:
            path = self._path(language)
            if path is None:
                report[language] = {"missing": self._missing.get(language, "")}
            elif failure := self._failure(language, path):
                report[language] = {"model": str(path), "failed": failure.error}
            else:
                report[language] = {"model": str(path), "state": self._state(language, path)}
        return report

    def _state(self, language: str, path: Path) -> str:
        with self._lock:
            if self._loaded.get(language) == path:
                return "loaded"
            return "loading" if language in self._loading else "not loaded yet"

    def _model(self, language: str) -> object:
        """Return the loaded model for a language, or raise ModelError saying what is wrong."""
        path = self._path(language)
        if path is None:
            raise ModelError(self._missing[language])
        if failure := self._failure(language, path):
            raise ModelError(failure.error)
        with self._lock:
            self._loading.add(language)
        try:
            model = load_model(path)
        except ModelError as exc:
            failure = LoadFailure(path, str(exc), model_fingerprint(path))
            with self._lock:
                self._failed[language] = failure
                self._loaded.pop(language, None)
            log.error(
                "speech model for %s failed to load; calls in %s go to a person until it is "
                "reinstalled: %s",
                language,
                language,
                exc,
            )
            raise
        finally:
            with self._lock:
                self._loading.discard(language)
        with self._lock:
            self._failed.pop(language, None)
            self._loaded[language] = path
        return model

    def _failure(self, language: str, path: Path) -> LoadFailure | None:
        """Return the load failure still true of this model (its files unchanged), if any."""
        with self._lock:
            failure = self._failed.get(language)
        if failure is None:
            return None
        if failure.path == path and failure.fingerprint == model_fingerprint(path):
            return failure
        with self._lock:  # replaced since: the next call that needs it tries to load it
            if self._failed.get(language) is failure:
                del self._failed[language]
        return None

    def _path(self, language: str) -> Path | None:
        with self._lock:
            # After a failed load, look again each time: the fix may install another model.
            if language in self._paths and language not in self._failed:
                return self._paths[language]
            try:
                self._paths[language] = find_model(language, self.settings)
                self._missing.pop(language, None)
                return self._paths[language]
            except ModelError as exc:
                if language not in self._missing:
                    _log_missing(language, exc, simulated=self.settings.simulated_speech)
                self._missing[language] = str(exc)
                self._paths.pop(language, None)
                return None


def _log_missing(language: str, exc: ModelError, simulated: bool) -> None:
    """Say what a missing model costs in this mode: an error only where callers lose by it."""
    if simulated:  # development: `voice call --text` is answered (start-up warns once, too)
        log.info(
            "no speech model for %s: real callers' speech goes to a person; simulated calls "
            "(`voice call --text`) are still answered: %s",
            language,
            exc,
        )
    else:
        log.error("speech model missing; calls in %s go to a person: %s", language, exc)


class Prompts:
    """Greeting audio to play over the stream, so callers can talk over it (barge-in)."""

    def __init__(self, settings: Settings):
        self.cache_dir = settings.var_dir / "prompts"
        self._cache: dict[tuple[str, str], bytes | None] = {}
        self._lock = threading.Lock()

    def greeting(self, callflow: Callflow) -> bytes | None:
        """Return μ-law 8 kHz greeting audio, or None when it must be spoken with <Say>."""
        key = (callflow.name, callflow.greeting)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._make(callflow)
            return self._cache[key]

    def _make(self, callflow: Callflow) -> bytes | None:
        recorded = getattr(callflow, "greeting_audio", None)
        if recorded:
            return load_prompt_file(Path(recorded))
        return prompt_ulaw(callflow.greeting, callflow.language, self.cache_dir)
