"""Which callflow answers which phone number; loaded from the callflows folder."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from voice.errors import CallflowInvalid, CallflowNotFound
from voice.flow import callflow_for_number, load_callflow
from voice.flow.loader import check_unique

log = logging.getLogger(__name__)


class Lines:
    """The loaded callflows, by name and by the numbers they answer."""

    def __init__(self, directory: Path, default: str = ""):
        self.directory, self.default_name = Path(directory), default
        self._by_name: dict[str, object] = {}
        self.problems: list[str] = []
        self._lock = threading.Lock()

    def load(self) -> list[str]:
        """Load every callflow file; keep the good ones and return the problems found."""
        loaded, problems = {}, []
        for path in sorted(self.directory.glob("*.y*ml")):
            try:
                callflow = load_callflow(path)
                check_unique(callflow, loaded)
            except CallflowInvalid as exc:
                problems.append(str(exc))
                log.error("callflow not loaded: %s", exc)
                continue
            loaded[callflow.name] = callflow
        if not loaded:
            problems.append(f"{self.directory}: no valid callflow; every call goes to a person")
        with self._lock:
            self._by_name, self.problems = loaded, problems
        return problems

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

    def by_name(self, name: str) -> object:
        """Return a loaded callflow by name."""
        try:
            return self._by_name[name]
        except KeyError:
            raise CallflowNotFound(f"callflow {name!r} is not loaded") from None

    def for_number(self, number: str) -> object:
        """Return the callflow that answers `number` (its `numbers:`), else the default."""
        return callflow_for_number(self._by_name, number, self.default_name)
