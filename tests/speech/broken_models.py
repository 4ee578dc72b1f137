"""Broken copies of a real Vosk model: every file linked to the original except the one broken.

Linking keeps a copy of the 260 MB Korean model cheap; only the damaged file is written.
"""

from __future__ import annotations

import os
from pathlib import Path


def linked_copy(model: Path, dest: Path) -> Path:
    """Return `dest`, a folder whose files are links to the model's files."""
    for folder, _dirs, names in os.walk(model):
        target = dest / Path(folder).relative_to(model)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            (target / name).symlink_to(Path(folder) / name)
    return dest


def truncated(model: Path, dest: Path, file: str, keep: float = 0.5) -> Path:
    """Return a copy of the model with `file` cut to `keep` of its length (a broken download)."""
    copy = linked_copy(model, dest)
    data = (model / file).read_bytes()
    (copy / file).unlink()
    (copy / file).write_bytes(data[: int(len(data) * keep)])
    return copy


def garbled(model: Path, dest: Path, file: str) -> Path:
    """Return a copy of the model with the start of `file` overwritten (a damaged disk)."""
    copy = linked_copy(model, dest)
    data = bytearray((model / file).read_bytes())
    data[:64] = b"\x5a" * 64
    (copy / file).unlink()
    (copy / file).write_bytes(bytes(data))
    return copy


def look_alike(dest: Path) -> Path:
    """Return a folder with the shape the lookup checks (am/final.mdl, conf/) but no model."""
    (dest / "am").mkdir(parents=True)
    (dest / "conf").mkdir()
    (dest / "am" / "final.mdl").write_text("not a model\n")
    return dest
