"""Call facts that could not be stored during a database fault, kept on disk until it returns.

Every webhook still answers Twilio while the database is down (the caller goes to a person),
but the call's record must survive. What the service could not write is appended to a JSON
lines file of its own process under VAR_DIR/journal/, and the housekeeping schedule replays it
into the database once it answers again. Replaying is idempotent: a call already recorded is
completed, never duplicated, and a final status never goes back to an earlier one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


class Journal:
    """Append call facts to this process's file; replay every process's files in order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = threading.Lock()

    def _own(self) -> Path:
        return self.folder / f"{os.getpid()}.jsonl"

    def write(self, kind: str, sid: str, **facts: object) -> None:
        """Keep one fact about a call (never raises: the caller's plan comes first)."""
        entry = {"kind": kind, "sid": sid, "at": dt.datetime.now(dt.UTC).isoformat(), **facts}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._lock:
                self._append(json.dumps(entry) + "\n")
        except OSError:
            log.exception("could not journal %s for call %s; it is lost", kind, sid)

    def _append(self, line: str) -> None:
        while True:
            with open(self._own(), "a", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                if os.fstat(f.fileno()).st_nlink == 0:  # replayed and removed while we waited
                    continue
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
                return

    def holds(self, sid: str) -> bool:
        """Return True when a fact about call `sid` waits to be replayed."""
        needle = f'"sid": {json.dumps(sid)}'
        return any(needle in path.read_text(encoding="utf-8") for path in self._files())

    def pending(self) -> int:
        """Return how many facts wait to be replayed."""
        return sum(len(p.read_text().splitlines()) for p in self._files())

    def _files(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl")) if self.folder.is_dir() else []

    def replay(self, apply: Callable[[dict], None]) -> int:
        """Apply every journaled fact in order; stop a file at the first failure. Return applied.

        Each file is locked while it is replayed, so two processes never apply one fact twice,
        and a writer appending meanwhile waits for the rewrite instead of being overwritten.
        """
        applied = 0
        for path in self._files():
            with open(path, "r+", encoding="utf-8") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                lines = [line for line in f.read().splitlines() if line.strip()]
                done = 0
                for line in lines:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        log.error("dropping an unreadable journal line in %s: %.80s", path, line)
                        done += 1
                        continue
                    try:
                        apply(entry)
                    except Exception:  # still down, or a bad fact: keep it, retry
                        log.warning("journal replay stopped at %s %s", entry.get("kind"),
                                    entry.get("sid"), exc_info=True)  # fmt: skip
                        break
                    done += 1
                f.seek(0)
                f.truncate()
                f.write("".join(line + "\n" for line in lines[done:]))
                applied += done
                if done == len(lines):  # under the lock, so no writer appends to a lost file
                    path.unlink(missing_ok=True)
        if applied:
            log.info("replayed %d journaled call facts into the database", applied)
        return applied
