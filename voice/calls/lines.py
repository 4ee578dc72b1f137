"""Which callflow answers which phone number; loaded from the callflows folder."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from voice.errors import CallflowInvalid, CallflowNotFound
from voice.flow import load_callflow

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
                _no_clash(callflow, loaded, path)
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

    def default(self) -> object:
        """Return the callflow for numbers no callflow claims."""
        if self.default_name:
            return self.by_name(self.default_name)
        if not self._by_name:
            raise CallflowNotFound(f"no callflow loaded from {self.directory}")
        return self._by_name[self.names[0]]

    def for_number(self, number: str) -> object:
        """Return the callflow that answers `number` (its `numbers:`), else the default."""
        for callflow in self._by_name.values():
            if number in (getattr(callflow, "numbers", ()) or ()):
                return callflow
        return self.default()


def _no_clash(callflow: object, loaded: dict[str, object], path: Path) -> None:
    """Refuse a second callflow with a name or number already taken (first by file name wins)."""
    if callflow.name in loaded:
        raise CallflowInvalid(
            str(path),
            "name",
            f"{callflow.name!r} is already used by {loaded[callflow.name].path}",
            "give each callflow its own name",
        )
    for other in loaded.values():
        if shared := set(callflow.numbers) & set(other.numbers):
            raise CallflowInvalid(
                str(path),
                "numbers",
                f"{sorted(shared)} already answered by {other.path}",
                "list each number in one callflow only",
            )
