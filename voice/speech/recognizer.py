"""Streaming recognition with Vosk: one shared model per process, one recognizer per call.

Named `recognizer.py`, not `vosk.py`, so that `import vosk` inside this package finds the
library rather than this module.

Vosk's vocabulary has tokens that are not words. What we do with them:

- `[unk]`, `<UNK>`, `<SPOKEN_NOISE>`, `[noise]`, `!SIL` (unknown speech, noise): dropped;
- the Korean model's number tokens `[5]`, `[22]` become `5`, `22`, so digit redaction and
  matching see digits; its number readings `(백)`, `(천)` become `백`, `천`.
"""

from __future__ import annotations

import ctypes
import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import vosk

from voice.errors import ModelError
from voice.flow.types import Word
from voice.settings import Settings

from .audio import is_speech
from .models import find_model
from .types import Final, Partial, Result

log = logging.getLogger(__name__)

# Vosk's unknown-word token: "[unk]" in its English models, "<UNK>" in the Korean one.
_UNKNOWN_WORDS = ("[unk]", "<UNK>")
_NUMBER = re.compile(r"^\[(\d+)\]$")
_READING = re.compile(r"^\((.+)\)$")
_PUNCTUATION = ".,!?;:\"'“”‘’"

# Our endpointer's defaults (ms of quiet line after words), measured with bench/call_bench.py
# on the Korean line: Vosk's own endpoint (about 1 s) made end of speech → decision 977 ms p50.
# espeak's pauses inside an utterance are at most 60 ms, people's between words 150-400 ms.
END_SILENCE_MS = 500
PHRASE_SILENCE_MS = 300  # the words so far are exactly one of the grammar's phrases
STILL_TALKING_MS = 100  # speech this recently before Vosk's endpoint: the caller was talking

_models: dict[Path, vosk.Model] = {}
_models_lock = threading.Lock()


def load_model(path: str | Path) -> vosk.Model:
    """Return the Vosk model at `path`, loading it once per process for all calls.

    Raises ModelError when Kaldi cannot load it or cannot decode with it (a truncated or
    garbled file, or a folder that only looks like a model). A failure is not remembered
    here: the next call tries again, so a repaired model loads without a restart.
    """
    key = Path(path).resolve()
    # One lock for all loads: a second call for the same model waits for the first load
    # instead of loading it again (about 2 s and hundreds of MB each).
    with _models_lock:
        model = _models.get(key)
        if model is None:
            if not _models:
                vosk.SetLogLevel(-1)  # Kaldi's per-utterance LOG lines; warnings still show
            started = time.perf_counter()
            try:
                model = vosk.Model(str(key))
                # Kaldi loads a model whose decoding graph (graph/HCLr.fst) it could not read
                # and fails only when a recognizer is made: make one now, once per model.
                vosk.KaldiRecognizer(model, 8000)
            except Exception as exc:  # vosk raises a bare Exception when Kaldi fails
                raise ModelError(f"could not load the Vosk model at {key}: {exc}") from exc
            log.info("loaded Vosk model %s in %.1f s", key, time.perf_counter() - started)
            _models[key] = model
    return model


def model_for(language: str, settings: Settings | None = None) -> vosk.Model:
    """Return the shared model for a language (find_model, then load_model)."""
    return load_model(find_model(language, settings))


# Freed memory back to the system. Each call's decoder thread allocates in a glibc malloc arena
# of its own, and when the call ends glibc keeps the pages Kaldi freed: a worker's RSS stayed
# 12-23 MiB per free-form call above idle after its calls had ended (1-4 MiB with this).
# malloc_trim gives them back, but takes 8-90 ms under load: a thread of its own runs it, once
# for recognizers let go together, never on a call's thread.
TRIM_DELAY_S = 1.0
_trim_wanted = threading.Event()
_trimmer: list[threading.Thread] = []
_trimmer_lock = threading.Lock()


def _libc_malloc_trim() -> object | None:
    """Return glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_malloc_trim = _libc_malloc_trim()


def return_freed_memory() -> None:
    """Have freed memory handed back to the system in a moment, off the calling thread."""
    if _malloc_trim is None:
        return
    _trim_wanted.set()
    with _trimmer_lock:  # started on first use: in the worker, not a server's forking parent
        if not (_trimmer and _trimmer[0].is_alive()):
            _trimmer[:] = [threading.Thread(target=_trim, name="malloc-trim", daemon=True)]
            _trimmer[0].start()


def _trim() -> None:
    while True:
        _trim_wanted.wait()
        time.sleep(TRIM_DELAY_S)  # recognizers of calls ending together: one trim
        _trim_wanted.clear()
        if _malloc_trim is not None:
            _malloc_trim(0)


def clean_word(token: str) -> str | None:
    """Return a Vosk token as a word for transcripts, or None when it is not a word."""
    if match := _NUMBER.match(token):
        return match[1]
    if match := _READING.match(token):
        return match[1]
    if token.startswith(("[", "<")) or token == "!SIL":
        return None
    return token


def clean_text(text: str) -> str:
    """Return Vosk's text with non-words dropped and number tokens made plain."""
    return " ".join(w for w in map(clean_word, text.split()) if w)


def _vocabulary_word(model: vosk.Model, word: str) -> str | None:
    """Return the spelling of `word` that the model knows (as is, or lower-cased), if any."""
    for candidate in (word, word.lower()):
        if model.vosk_model_find_word(candidate) >= 0:
            return candidate
    return None


@lru_cache(maxsize=256)
def _compile_grammar(model: vosk.Model, phrases: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    """Return Vosk grammar JSON for phrases and the phrases as Vosk will spell them."""
    kept: list[str] = []
    left_out: list[str] = []
    for phrase in phrases:
        words = [w.strip(_PUNCTUATION) for w in phrase.split()]
        known = [_vocabulary_word(model, w) for w in words if w]
        # A phrase the model can't spell whole is left out whole: dropping only its unknown
        # words would make a new, shorter phrase ("오늘 몇 해요") that other speech matches
        # exactly and with full confidence — a wrong answer instead of a person.
        if known and all(known):
            kept.append(" ".join(known))
        else:
            left_out.append(phrase)
    if left_out:
        log.warning(
            "grammar: %d of %d phrases use words this model doesn't know and were left out: %s",
            len(left_out),
            len(phrases),
            ", ".join(repr(p) for p in left_out),
        )
    # The unknown-word token gives speech outside the grammar somewhere to go. Add it only if
    # this model has one: Vosk warns about every grammar word missing from its vocabulary.
    unknown = [w for w in _UNKNOWN_WORDS if model.vosk_model_find_word(w) >= 0][:1]
    # ensure_ascii=False: Vosk looks words up by their UTF-8 text, not by \\uXXXX escapes.
    return json.dumps(kept + unknown, ensure_ascii=False), frozenset(kept)


class VoskRecognizer:
    """One caller's streaming recognizer (StreamingRecognizer); use it from one thread.

    `accept` returns a Final at Vosk's endpoint (trailing silence after speech, or about
    5 s with no speech at all, which gives a Final with empty text), a Partial when the words
    heard so far changed, else None. Vosk's endpoint waits about 1 s after speech (its rules
    are fixed in the model's conf/model.conf; vosk 0.3.45 has no SetEndpointerDelays), or
    does not fire at all on a quiet line. So our own endpointer closes the utterance once
    words were heard and the line has been quiet (an energy gate) for `endpoint_silence_ms`,
    or, with a grammar, for only `phrase_silence_ms` when the words so far are exactly one of
    its phrases: the caller has said something whole, and more quiet adds nothing.

    With a grammar, only its words can be recognised (Vosk lets them follow each other in any
    order); a Final whose words are not exactly one phrase, or that Vosk ended while the
    caller was still talking (then the words go on into one Final), is marked `off_grammar`
    (confidence 0).
    """

    def __init__(
        self,
        model: vosk.Model,
        sample_rate: int = 8000,
        grammar: Sequence[str] | None = None,
        endpoint_silence_ms: int | None = END_SILENCE_MS,
        phrase_silence_ms: int | None = PHRASE_SILENCE_MS,
    ):
        self.sample_rate = sample_rate
        self.endpoint_silence_ms = endpoint_silence_ms
        self.phrase_silence_ms = phrase_silence_ms
        self._phrases: frozenset[str] | None = None
        if grammar:
            grammar_json, self._phrases = _compile_grammar(model, tuple(grammar))
            self._rec = vosk.KaldiRecognizer(model, sample_rate, grammar_json)
        else:
            self._rec = vosk.KaldiRecognizer(model, sample_rate)
        self._rec.SetWords(True)
        self._partial = ""
        self._carried: tuple[Word, ...] = ()  # words of an utterance Vosk cut short
        self._same_ms = 0.0  # how long the partial result has stood unchanged
        self._quiet_ms: float | None = None  # quiet since the caller last spoke; None: not yet

    def __del__(self) -> None:
        # Kaldi frees this call's recognizer right after; have its pages go back to the system.
        if return_freed_memory is not None:  # None while the interpreter shuts down
            return_freed_memory()

    def accept(self, pcm16: bytes) -> Result | None:
        """Feed 16-bit mono PCM; return a Final at an endpoint, a Partial on new words, or None."""
        frame_ms = 1000 * len(pcm16) / (2 * self.sample_rate)
        if is_speech(pcm16):
            self._quiet_ms = 0.0
        elif self._quiet_ms is not None:
            self._quiet_ms += frame_ms
        if self._rec.AcceptWaveform(pcm16):
            quiet = self._quiet_ms
            if self._phrases is None or quiet is None or quiet >= STILL_TALKING_MS:
                return self._final(self._rec.Result())
            # Vosk ends an utterance after what its decoder takes for silence. Held to a
            # grammar it takes speech outside the grammar for silence too: "배송 상태
            # 알려주세요" ended as "직원" while the caller was still talking. Keep listening:
            # the words so far are carried into the Final, which is then off the grammar.
            self._carried += self._words(self._rec.Result())
            text = " ".join(w.text for w in self._carried)
        else:
            text = clean_text(json.loads(self._rec.PartialResult())["partial"])
            if self._carried:
                text = " ".join([*(w.text for w in self._carried), text]).strip()
        changed = text != self._partial
        self._partial = text
        self._same_ms = 0.0 if changed else self._same_ms + frame_ms
        if self._heard_all(text):
            return self.finish()
        return Partial(text) if text and changed else None

    def set_endpointing(self, end_silence_ms: int | None, phrase_silence_ms: int | None) -> None:
        """Set the quiet that closes an utterance: after any words, after a whole phrase."""
        self.endpoint_silence_ms, self.phrase_silence_ms = end_silence_ms, phrase_silence_ms

    def _heard_all(self, text: str) -> bool:
        """Return True when the quiet after the caller's words says the utterance is over."""
        quiet, end, phrase = self._quiet_ms, self.endpoint_silence_ms, self.phrase_silence_ms
        if not text or quiet is None:
            return False
        if end is not None and quiet >= end:
            return True
        # Vosk's partial result trails the audio by a decoding chunk or two, and a phrase can
        # be the start of what the caller is still saying ("안녕히 계세요" came before "아니
        # 상담원"): a whole phrase closes early only once it too has stood unchanged that long.
        whole = self._phrases is not None and text in self._phrases
        return whole and phrase is not None and min(quiet, self._same_ms) >= phrase

    def finish(self) -> Final:
        """Flush the utterance in progress and return it; the recognizer stays usable.

        After words, Vosk's `FinalResult()`: it decodes the last frames still inside the
        feature pipeline, which settles the last word and its confidence. With no words heard
        (noise the voice gate let through), Vosk's `Result()`, as at its own endpoints:
        `FinalResult()` also rebuilds the pipeline, and the caller's next words would start
        with noise normalisation and speaker adaptation cold, losing or changing the first
        of them (bench/vad_bench.py --decisions).
        """
        return self._final(self._rec.FinalResult() if self._partial else self._rec.Result())

    def _final(self, raw: str) -> Final:
        """Turn Vosk's result JSON into a Final, with any words carried from a cut-short one."""
        carried, self._carried = self._carried, ()
        self._partial, self._quiet_ms = "", None
        words = (*carried, *self._words(raw))
        said = clean_text(json.loads(raw).get("text", ""))
        text = " ".join(w.text for w in words) if words else said
        off_grammar = self._phrases is not None and bool(text)
        off_grammar = off_grammar and (bool(carried) or text not in self._phrases)
        return Final(text, words, off_grammar=off_grammar)

    @staticmethod
    def _words(raw: str) -> tuple[Word, ...]:
        """Return the words of Vosk's result JSON, non-words dropped."""
        return tuple(
            Word(word, min(1.0, max(0.0, float(item["conf"]))))
            for item in json.loads(raw).get("result", [])
            if (word := clean_word(item["word"]))
        )
