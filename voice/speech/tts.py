"""Prompts played to callers over the media stream: espeak-ng synthesis or recorded files.

Synthesized prompts are cached on disk as 8 kHz μ-law (what Twilio plays), keyed by a hash of
the text and voice, so each greeting is synthesized once per deployment, not once per call.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from voice.errors import TtsUnavailable

from .audio import pcm16_to_ulaw, read_wav_8k

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
SPEED_WPM = 150
_TIMEOUT_S = 30
_CACHE_FORMAT = "ulaw8k-v1"  # change when the cached bytes would change for the same text
_VOICES = {"en-us": "en-us", "ko-kr": "ko"}
_warned: set[str] = set()


def espeak_voice(language: str) -> str:
    """Return the espeak-ng voice for a language tag (en-US → en-us, ko-KR → ko, fr-FR → fr)."""
    tag = language.strip().lower().replace("_", "-")
    return _VOICES.get(tag, tag.split("-")[0])


def synthesize(text: str, language: str) -> bytes:
    """Speak text with espeak-ng; return 16-bit mono PCM at 8 kHz, or raise TtsUnavailable."""
    exe = shutil.which(ESPEAK)
    if exe is None:
        raise TtsUnavailable(f"{ESPEAK} is not installed (apt-get install espeak-ng)")
    voice = espeak_voice(language)
    command = [exe, "-v", voice, "-s", str(SPEED_WPM), "--stdout", "--stdin"]
    try:
        done = subprocess.run(command, input=text.encode(), capture_output=True, timeout=_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise TtsUnavailable(f"{ESPEAK} took over {_TIMEOUT_S} s for voice {voice}") from exc
    if done.returncode != 0 or not done.stdout:
        why = done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
        raise TtsUnavailable(f"{ESPEAK} failed for voice {voice}: {why}")
    return read_wav_8k(io.BytesIO(done.stdout))


def _cache_path(text: str, language: str, cache_dir: Path) -> Path:
    """Return where the μ-law prompt for this text and voice is cached."""
    key = "\0".join((_CACHE_FORMAT, espeak_voice(language), str(SPEED_WPM), text))
    return Path(cache_dir) / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.ulaw"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers (other workers) see all of it or none of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def prompt_ulaw(text: str, language: str, cache_dir: str | Path) -> bytes | None:
    """Return a spoken prompt as 8 kHz μ-law, cached on disk; None when no TTS is available."""
    path = _cache_path(text, language, Path(cache_dir))
    if path.is_file():
        return path.read_bytes()
    try:
        pcm = synthesize(text, language)
    except TtsUnavailable as exc:
        if str(exc) not in _warned:  # once per reason, not once per call
            _warned.add(str(exc))
            log.warning("cannot synthesize prompts: %s", exc)
        return None
    ulaw = pcm16_to_ulaw(pcm)
    _write_atomic(path, ulaw)
    return ulaw


def load_prompt_file(path: str | Path) -> bytes:
    """Return a recorded prompt (any WAV format, rate or channels) as 8 kHz μ-law."""
    return pcm16_to_ulaw(read_wav_8k(path))
