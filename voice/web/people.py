"""Sending an intent to people, or giving it back to the assistant: a preview in words, then apply.

The preview says what callers will hear and where they will go, made from the line as it would
be after the change (checked on a copy, as `voice callflows check` would). Applying refuses a
file that changed since it was reviewed. Each change applied is written to the `voice.audit`
log with who made it (there is no audit table).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_login import current_user

from voice.errors import CallflowInvalid
from voice.flow import titles
from voice.flow.edit import set_to_people
from voice.flow.model import Callflow

audit = logging.getLogger("voice.audit")
CHANGED_MEANWHILE = (
    "the callflow file changed after you reviewed this change (someone edited or reloaded it). "
    "Review it again and confirm."
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class Change:
    """One intent of one line sent to people (`on`) or given back, told in words."""

    callflow: str
    intent: str
    on: bool  # True: to people; False: back to the assistant
    team: str | None  # to people: the team chosen; given back: the team the intent had before
    team_before: str | None  # the intent's `team:` before this change (what an undo restores)
    path: Path
    diff: str  # the file's change, with the file's name only (no server path)
    fingerprint: str  # of the file the change was made against
    teams: dict[str, str]  # team key -> title, for the team choice
    title: str  # the intent's title
    business: str
    answer: str  # what the assistant answers, placeholders as "…"
    handoff: str  # what callers hear before they go to the team
    team_title: str
    closed: str  # what callers hear outside opening hours

    @property
    def filename(self) -> str:
        """Return the callflow file's name, without the folder it lives in on the server."""
        return self.path.name


def fingerprint(text: str) -> str:
    """Return a short digest of a file's text, to tell whether it changed since a preview."""
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _target(name: str, intent: str, on: bool) -> Callflow:
    """Return a loaded line; refuse an intent it does not have, or one already so."""
    callflow = current_app.extensions["voice"].lines.by_name(name)
    found = callflow.intents.get(intent)
    if found is None:
        known = ", ".join(sorted(callflow.intents)) or "none"
        path = str(callflow.path)
        raise CallflowInvalid(path, f"intents.{intent}", "no such intent", f"one of {known}")
    if found.to_people == on:
        where = "already goes to people" if on else "is already answered by the assistant"
        raise ValueError(f"{titles.intent(callflow, intent)} on {name} {where}")
    return callflow


def _told(line: Callflow, intent: str, on: bool, team: str | None) -> dict:
    """Return the preview's words: the intent, its answer, and the team callers go to instead."""
    # only `to_people` and `team` change, so the line as loaded says everything else
    key = line.team(team if on else line.intents[intent].team).key
    return {
        "teams": {k: titles.team(line, k) for k in line.teams},
        "title": titles.intent(line, intent),
        "business": line.business.name,
        "answer": " ".join(_PLACEHOLDER.sub("…", line.intents[intent].answer).split()),
        "handoff": line.handoff_line(key),
        "team_title": titles.team(line, key),
        "closed": f"We're open {line.hours_week()}" if line.business.hours.given else "",
    }


def preview(name: str, intent: str, team: str | None, on: bool = True) -> Change:
    """Return the change sending `intent` to people (or back) would make, made on a copy."""
    line = _target(name, intent, on)
    path = Path(line.path)
    text = path.read_text(encoding="utf-8")
    # beside the original (relative paths resolve alike), named so no loader picks it up
    copy = path.with_name(f".{path.name}.preview-{os.getpid()}-{threading.get_ident()}")
    copy.write_text(text, encoding="utf-8")
    try:
        diff = set_to_people(copy, intent, on, team)  # checked as `voice callflows check` does
    except CallflowInvalid as exc:
        raise CallflowInvalid(str(path), exc.key, exc.problem, exc.fix) from None
    finally:
        copy.unlink(missing_ok=True)
    diff = diff.replace(str(copy), path.name, 2)  # the --- and +++ headers
    words = _told(line, intent, on, team)
    before = line.intents[intent].team
    return Change(name, intent, on, team, before, path, diff, fingerprint(text), **words)


def file_fingerprint(change: Change) -> str:
    """Return the fingerprint of the change's file as it is now (what an undo is made against)."""
    return fingerprint(change.path.read_text(encoding="utf-8"))


def apply(name: str, intent: str, team: str | None, seen: str, on: bool = True) -> Change:
    """Make the change reviewed as `seen` in the file, reload the lines, and return it."""
    change = preview(name, intent, team, on)
    if change.fingerprint != seen:
        raise ValueError(CHANGED_MEANWHILE)
    lines = current_app.extensions["voice"].lines
    set_to_people(change.path, intent, on, team, lines=lines)
    who = getattr(current_user, "login", "") or "an admin"
    what = "sent to people" if on else "given back to the assistant"
    audit.info("%s: %s on %s %s (team %s)", who, intent, name, what, team or "default")
    return change
