"""Download an official Vosk model: pick it from the model list, verify it, install it atomically.

Nothing is half-installed: the archive is fetched and unpacked in a temporary folder inside
the models folder, checked (size, MD5, no path escaping the folder, a real model inside), and
only then renamed into place. Any failure raises DownloadError and removes the temporary folder.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import requests
from tqdm import tqdm

from voice.errors import DownloadError
from voice.settings import Settings

from .models import is_model_dir, language_keys, version_key

_TIMEOUT = (10, 60)  # seconds to connect, seconds between bytes
_CHUNK = 1 << 20


def fetch_model_list(url: str) -> list[dict]:
    """Return the entries of the official model list (name, lang, type, md5, size, url, …)."""
    try:
        response = requests.get(url, timeout=_TIMEOUT)
        response.raise_for_status()
        entries = response.json()
    except requests.RequestException as exc:
        raise DownloadError(f"could not fetch the model list {url}: {exc}") from exc
    except ValueError as exc:
        raise DownloadError(f"the model list {url} is not JSON: {exc}") from exc
    if not isinstance(entries, list):
        raise DownloadError(f"the model list {url} is not a JSON list")
    return entries


def choose_model(entries: list[dict], language: str, size: str = "small") -> dict:
    """Return the newest current (non-obsolete) entry for a language and model type."""
    keys = language_keys(language)
    current = [e for e in entries if str(e.get("obsolete", "false")).lower() != "true"]
    for key in keys:
        for_lang = [e for e in current if e.get("lang") == key]
        matching = [e for e in for_lang if e.get("type") == size]
        if matching:
            return max(matching, key=lambda e: version_key(e["name"]))
        if for_lang:
            types = ", ".join(sorted({str(e.get("type")) for e in for_lang}))
            raise DownloadError(f"no {size} model for {key}; sizes offered: {types}")
    offered = ", ".join(sorted({str(e.get("lang")) for e in current}))
    raise DownloadError(f"no Vosk model for {language}; languages offered: {offered}")


def _fetch(entry: dict, dest: Path, progress: bool) -> None:
    """Stream an entry's archive to `dest`, checking its size and MD5."""
    url, expected_md5 = entry.get("url", ""), str(entry.get("md5", "")).lower()
    if not expected_md5:
        raise DownloadError(f"the model list gives no MD5 for {entry['name']}; not installing it")
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with requests.get(url, stream=True, timeout=_TIMEOUT) as response:
            response.raise_for_status()
            total = int(entry.get("size") or response.headers.get("Content-Length") or 0)
            bar = tqdm(
                total=total or None,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=entry["name"],
                disable=not progress,
            )
            with bar, dest.open("wb") as out:
                for chunk in response.iter_content(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except requests.RequestException as exc:
        raise DownloadError(f"could not download {url}: {exc}") from exc
    size = dest.stat().st_size
    if entry.get("size") and size != int(entry["size"]):
        raise DownloadError(f"{url}: got {size} bytes, the model list says {entry['size']}")
    if digest.hexdigest() != expected_md5:
        raise DownloadError(
            f"{url}: checksum mismatch (MD5 {digest.hexdigest()}, expected {expected_md5}); "
            "the download is corrupt or was tampered with, nothing was installed"
        )


def _check_member(member: zipfile.ZipInfo) -> None:
    """Refuse an archive member that could write outside the folder it is unpacked into."""
    name = member.filename.replace("\\", "/")
    path = PurePosixPath(name)
    is_link = (member.external_attr >> 16) & 0o170000 == 0o120000
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name) or is_link:
        raise DownloadError(f"unsafe path in the model archive: {member.filename!r}")


def _unpack(archive: Path, into: Path) -> Path:
    """Unpack an archive safely and return the model directory inside it."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                _check_member(member)
            zf.extractall(into)
    except zipfile.BadZipFile as exc:
        raise DownloadError(f"the model archive is not a valid zip: {exc}") from exc
    candidates = [into, *sorted(p for p in into.iterdir() if p.is_dir())]
    for candidate in candidates:
        if is_model_dir(candidate):
            return candidate
    raise DownloadError("the archive holds no Vosk model (no am/final.mdl and conf/)")


def download_model(
    language: str,
    settings: Settings | None = None,
    size: str = "small",
    progress: bool = True,
    models_dir: Path | None = None,
) -> Path:
    """Download, verify and install the official model for a language; return its directory."""
    settings = settings or Settings()
    root = Path(models_dir or settings.models_dir).expanduser()
    entry = choose_model(fetch_model_list(settings.model_list_url), language, size)
    final = root / entry["name"]
    if is_model_dir(final):
        return final.resolve()
    if final.exists():
        raise DownloadError(f"{final} exists but is not a Vosk model; move it away and retry")
    root.mkdir(parents=True, exist_ok=True)
    # The temporary folder sits next to the target so the final rename stays on one filesystem.
    with tempfile.TemporaryDirectory(prefix=".download-", dir=root) as tmp:
        archive = Path(tmp) / "model.zip"
        _fetch(entry, archive, progress)
        model = _unpack(archive, Path(tmp) / "unpacked")
        try:
            model.rename(final)
        except OSError as exc:
            if not is_model_dir(final):  # else another process installed it first: use theirs
                raise DownloadError(f"could not install the model into {final}: {exc}") from exc
    return final.resolve()
