"""Which callflow answers which phone number; loaded from the callflows folder."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from pathlib import Path

from voice.errors import CallflowInvalid, CallflowNotFound
from voice.flow import callflow_for_number, load_callflow
from voice.flow.hours import AROUND_THE_CLOCK
from voice.flow.loader import check_unique
from voice.flow.model import Callflow

log = logging.getLogger(__name__)
WATCH_S = 2.0  # how often a busy line looks for callflow files changed by `teach` or an editor


class Lines:
    """The loaded callflows, by name and by the numbers they answer."""

    def __init__(self, directory: Path, default: str = "", open_hours: bool = False):
        self.directory, self.default_name = Path(directory), default
        self.open_hours = open_hours  # `voice serve --open-hours`: people answer around the clock
        self._by_name: dict[str, Callflow] = {}
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._seen: tuple = ()
        self._looked = 0.0
        self._reloading = threading.Lock()

    def _signature(self) -> tuple:
        """Return what changes when a callflow file (or its cases) is written, added or removed."""
        try:
            files = sorted(self.directory.iterdir())
        except OSError:
            return ()
        return tuple(
            (p.name, st.st_mtime_ns, st.st_size)
            for p in files
            if p.suffix in (".yaml", ".yml") and (st := p.stat())
        )

    def watch(self) -> None:
        """Reload in the background when the files changed since the last load (cheap to call)."""
        now = time.monotonic()
        if now - self._looked < WATCH_S:
            return
        self._looked = now
        if self._signature() == self._seen or not self._reloading.acquire(blocking=False):
            return

        def reload() -> None:
            try:
                self.reload()
            finally:
                self._reloading.release()

        threading.Thread(target=reload, name="callflows-reload", daemon=True).start()

    def load(self) -> list[str]:
        """Load every callflow file; keep the good ones and return the problems found."""
        seen = self._signature()
        loaded: dict[str, Callflow] = {}
        problems: list[str] = []
        for path in sorted(self.directory.glob("*.y*ml")):
            try:
                callflow = load_callflow(path)
                check_unique(callflow, loaded)
                if self.open_hours:
                    callflow = open_around_the_clock(callflow)
            except CallflowInvalid as exc:
                last = self._last_good(path, loaded)
                if last is None:
                    problems.append(str(exc))
                    log.error("callflow not loaded: %s", exc)
                    continue
                # a file broken by an edit keeps its line answering as it did before
                problems.append(f"{exc} (still running the last good version)")
                log.error("callflow not reloaded, still running the last good version: %s", exc)
                callflow = last
            loaded[callflow.name] = callflow
        if not loaded:
            problems.append(f"{self.directory}: no valid callflow; every call goes to a person")
        with self._lock:
            self._by_name, self.problems, self._seen = loaded, problems, seen
        return problems

    def _last_good(self, path: Path, loaded: dict) -> Callflow | None:
        """Return the callflow loaded earlier from `path`, unless its name is taken meanwhile."""
        for callflow in self._by_name.values():
            if callflow.path and Path(callflow.path).resolve() == path.resolve():
                return None if callflow.name in loaded else callflow
        return None

    def reload(self) -> list[str]:
        """Re-read every callflow file now, without a restart; calls in progress keep theirs."""
        problems = self.load()
        log.info("callflows reloaded: %s", ", ".join(self.names) or "none")
        return problems

    @property
    def names(self) -> list[str]:
        """Return the names of the loaded callflows."""
        return sorted(self._by_name)

    @property
    def languages(self) -> list[str]:
        """Return the languages the loaded callflows speak."""
        return sorted({callflow.language for callflow in self._by_name.values()})

    def by_name(self, name: str) -> Callflow:
        """Return a loaded callflow by name."""
        try:
            return self._by_name[name]
        except KeyError:
            raise CallflowNotFound(f"callflow {name!r} is not loaded") from None

    def for_number(self, number: str) -> Callflow:
        """Return the callflow that answers `number` (its `numbers:`), else the default."""
        self.watch()
        return callflow_for_number(self._by_name, number, self.default_name)


def open_around_the_clock(callflow: Callflow) -> Callflow:
    """Return the callflow with people answering every hour of every day (its file unchanged)."""
    business = dataclasses.replace(callflow.business, hours=AROUND_THE_CLOCK)
    return dataclasses.replace(callflow, business=business)
