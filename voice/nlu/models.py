"""Find sentence-embedding (understanding) models by language, in the speech models' order.

Lookup order (DESIGN.md, "Speech models"; the same for understanding):

1. `NLU_MODEL_<LANG>` (e.g. NLU_MODEL_EN), then `NLU_MODEL_PATH`, which may be one model or a
   folder of models;
2. `Settings.models_dir`;
3. `~/.cache/voice/nlu`.

A model is a folder holding `voice-nlu.json` (which languages it serves, how to pool, the
checksum of each file), an ONNX encoder and its `tokenizer.json`. A model for the language
itself beats a multilingual one ("languages": ["*"]) wherever both are found.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from voice.errors import NluModelMissing
from voice.settings import Settings

MANIFEST = "voice-nlu.json"
ANY = "*"  # a multilingual model's language


@dataclass(frozen=True)
class NluModel:
    """An installed sentence-embedding model, as its manifest describes it."""

    path: Path
    id: str  # names the calibration that goes with it (voice/flow/confidence.json)
    languages: tuple[str, ...]  # primary subtags ("en"), or ("*",) for a multilingual model
    pooling: str = "cls"  # "cls" or "mean"
    max_tokens: int = 64  # callers' turns are short; longer input is cut
    onnx: str = "model.onnx"
    tokenizer: str = "tokenizer.json"

    @property
    def multilingual(self) -> bool:
        """Return True when the model serves any language."""
        return ANY in self.languages


def read_model(path: Path) -> NluModel | None:
    """Return the model a folder holds, or None when it holds no complete model."""
    manifest = path / MANIFEST
    try:
        data = json.loads(manifest.read_text())
        model = NluModel(
            path=path.resolve(),
            id=str(data["id"]),
            languages=tuple(str(x).lower() for x in data["languages"]),
            pooling=str(data.get("pooling", "cls")),
            max_tokens=int(data.get("max_tokens", 64)),
            onnx=str(data.get("onnx", "model.onnx")),
            tokenizer=str(data.get("tokenizer", "tokenizer.json")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (path / model.onnx).is_file() or not (path / model.tokenizer).is_file():
        return None
    return model


def _primary(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def _models_in(place: Path) -> list[NluModel]:
    """Return the model at `place`, or the models in the folders directly inside it."""
    place = place.expanduser()
    single = read_model(place)
    if single:
        return [single]
    if not place.is_dir():
        return []
    found = (read_model(p) for p in sorted(place.iterdir()) if p.is_dir())
    return [m for m in found if m]


def _best(models: list[NluModel], language: str) -> NluModel | None:
    primary = _primary(language)
    own = [m for m in models if primary in m.languages]
    return (own or [m for m in models if m.multilingual] or [None])[0]


def places(settings: Settings) -> list[tuple[str, Path]]:
    """Return the shared places to look, with the label an operator would set, in order."""
    found = []
    if settings.nlu_model_path:
        found.append(("NLU_MODEL_PATH", Path(settings.nlu_model_path)))
    found.append(("MODELS_DIR", settings.models_dir))
    found.append(("~/.cache/voice/nlu", Path.home() / ".cache" / "voice" / "nlu"))
    return found


def find_nlu_model(language: str, settings: Settings | None = None) -> NluModel:
    """Return the understanding model for a language; raise NluModelMissing naming where."""
    settings = settings or Settings()
    searched = []
    if explicit := settings.nlu_model_for(language):
        model = read_model(Path(explicit).expanduser())
        var = "NLU_MODEL_" + _primary(language).upper()
        if model is None:
            raise NluModelMissing(language, [f"{var}={explicit} (no {MANIFEST} and model)"])
        return model
    own_or_multi: NluModel | None = None
    for label, path in places(settings):
        model = _best(_models_in(path), language)
        if model and not model.multilingual:
            return model
        own_or_multi = own_or_multi or model
        searched.append(f"{label}={path.expanduser()}")
    if own_or_multi:
        return own_or_multi
    raise NluModelMissing(language, searched)


def installed_nlu_models(settings: Settings | None = None) -> list[NluModel]:
    """Return every understanding model in the lookup places and NLU_MODEL_<LANG> variables."""
    settings = settings or Settings()
    seen: dict[Path, NluModel] = {}
    for _, path in places(settings):
        for model in _models_in(path):
            seen.setdefault(model.path, model)
    for name, value in sorted(os.environ.items()):
        if name.startswith("NLU_MODEL_") and name != "NLU_MODEL_PATH" and value:
            model = read_model(Path(value).expanduser())
            if model:
                seen.setdefault(model.path, model)
    return list(seen.values())


@functools.lru_cache(maxsize=64)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """Return a file's sha256, hashed once per size and modification time (/health asks often)."""
    stat = path.stat()
    return _sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def verify_nlu_model(path: Path) -> list[str]:
    """Return what is wrong with an installed model: missing files, checksums that differ."""
    try:
        data = json.loads((Path(path) / MANIFEST).read_text())
        files = dict(data.get("files") or {})
        needed = {str(data.get("onnx", "model.onnx")), str(data.get("tokenizer", "tokenizer.json"))}
    except OSError:
        return [f"no readable {MANIFEST}"]
    except (ValueError, TypeError, AttributeError) as exc:
        return [f"{MANIFEST} is not a valid manifest ({exc})"]
    problems = []
    # A hand-made model may list no checksums; its encoder and tokenizer must still be there.
    for name in sorted(needed | set(files)):
        file = Path(path) / name
        if Path(name).name != name:
            problems.append(f"{name}: not a plain file name")
        elif not file.is_file():
            problems.append(f"missing {name}")
        elif name in files and (actual := file_sha256(file)) != str(files[name]).lower():
            expected = str(files[name]).lower()
            problems.append(f"{name}: checksum mismatch (sha256 {actual}, expected {expected})")
    return problems


def nlu_model_status(languages: list[str], settings: Settings | None = None) -> dict:
    """Return, per language, its model's id and path (and what is corrupt) or why none (/health)."""
    settings = settings or Settings()
    status: dict[str, dict[str, str]] = {}
    for language in languages:
        try:
            model = find_nlu_model(language, settings)
        except NluModelMissing as exc:
            status[language] = {"missing": str(exc)}
            continue
        status[language] = {"model": model.id, "path": str(model.path)}
        if problems := verify_nlu_model(model.path):
            status[language]["corrupt"] = "; ".join(problems)
    return status
