"""Sending an intent to people from the admin pages: preview the callflow diff, then apply it."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from voice.errors import CallflowInvalid
from voice.flow.edit import send_to_people

CHANGED_MEANWHILE = (
    "the callflow file changed after you reviewed this change (someone edited or reloaded it). "
    "Review the new diff and confirm again."
)


@dataclass(frozen=True)
class Change:
    """One intent sent to people on one line: the file, the diff, and the file it applies to."""

    callflow: str
    intent: str
    team: str | None
    path: Path
    diff: str
    fingerprint: str  # of the file the diff was made against
    teams: list[str]


def fingerprint(text: str) -> str:
    """Return a short digest of a file's text, to tell whether it changed since a preview."""
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _target(name: str, intent: str) -> tuple[Path, list[str]]:
    """Return the file of a loaded line and its teams; refuse an intent it cannot send."""
    callflow = current_app.extensions["voice"].lines.by_name(name)
    path = Path(callflow.path)
    found = callflow.intents.get(intent)
    if found is None:
        known = ", ".join(sorted(callflow.intents)) or "none"
        raise CallflowInvalid(str(path), f"intents.{intent}", "no such intent", f"one of {known}")
    if found.to_people:
        raise ValueError(f"{intent} on {name} already goes to people")
    return path, sorted(callflow.teams)


def preview(name: str, intent: str, team: str | None) -> Change:
    """Return the diff sending `intent` to people would make, made on a copy, checked the same."""
    path, teams = _target(name, intent)
    text = path.read_text(encoding="utf-8")
    # beside the original (relative paths resolve alike), named so no loader picks it up
    copy = path.with_name(f".{path.name}.preview-{os.getpid()}-{threading.get_ident()}")
    copy.write_text(text, encoding="utf-8")
    try:
        diff = send_to_people(copy, intent, team)
    except CallflowInvalid as exc:
        raise CallflowInvalid(str(path), exc.key, exc.problem, exc.fix) from None
    finally:
        copy.unlink(missing_ok=True)
    diff = diff.replace(str(copy), str(path), 2)  # the --- and +++ headers
    return Change(name, intent, team, path, diff, fingerprint(text), teams)


def apply(name: str, intent: str, team: str | None, seen: str) -> Change:
    """Send `intent` to people in the file reviewed as `seen`, reload the lines, return the diff."""
    path, teams = _target(name, intent)
    if fingerprint(path.read_text(encoding="utf-8")) != seen:
        raise ValueError(CHANGED_MEANWHILE)
    diff = send_to_people(path, intent, team, lines=current_app.extensions["voice"].lines)
    return Change(name, intent, team, path, diff, seen, teams)
