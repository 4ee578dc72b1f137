"""A stand-in for alphacephei.com: a local HTTP server with a model list and tiny model zips.

Imported as `speech.fake_model_site` (tests/ is on sys.path) by the speech and CLI tests.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_model_dir(parent: Path, name: str) -> Path:
    """Create a directory that passes for a Vosk model (am/final.mdl and conf/)."""
    model = parent / name
    (model / "am").mkdir(parents=True)
    (model / "conf").mkdir()
    (model / "am" / "final.mdl").write_bytes(b"not really a model")
    (model / "conf" / "model.conf").write_text("--min-active=200\n")
    return model


def model_zip(name: str, extra: dict[str, bytes] | None = None, with_model: bool = True) -> bytes:
    """Return a zip laid out like Vosk's: one top folder `name` holding the model."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        if with_model:
            zf.writestr(f"{name}/am/final.mdl", b"not really a model")
            zf.writestr(f"{name}/conf/model.conf", "--min-active=200\n")
            zf.writestr(f"{name}/README", "tiny fake model for tests\n")
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return buffer.getvalue()


def symlink_zip(name: str, link: str, target: str) -> bytes:
    """Return a model zip that also holds a symbolic link member."""
    buffer = io.BytesIO(model_zip(name))
    with zipfile.ZipFile(buffer, "a") as zf:
        info = zipfile.ZipInfo(link)
        info.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(info, target)
    return buffer.getvalue()


def closed_port_url() -> str:
    """Return an http URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/model-list.json"


class ModelSite:
    """Serve a model-list.json and model zips from memory on an ephemeral local port."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}
        self.entries: list[dict] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                body = site.files.get(self.path)
                if self.path == "/model-list.json":
                    body = json.dumps(site.entries).encode()
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.list_url = f"{self.base}/model-list.json"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def add(
        self,
        name: str,
        lang: str,
        kind: str = "small",
        data: bytes | None = None,
        obsolete: bool = False,
        **override: object,
    ) -> dict:
        """Publish a model zip and its list entry; `override` replaces entry fields."""
        data = model_zip(name) if data is None else data
        self.files[f"/{name}.zip"] = data
        entry = {
            "name": name,
            "lang": lang,
            "lang_text": lang,
            "type": kind,
            "md5": hashlib.md5(data).hexdigest(),
            "size": len(data),
            "size_text": f"{len(data)}B",
            "url": f"{self.base}/{name}.zip",
            "version": name.rsplit("-", 1)[-1],
            "obsolete": "true" if obsolete else "false",
        }
        entry.update(override)
        self.entries.append(entry)
        return entry

    def __enter__(self) -> ModelSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
