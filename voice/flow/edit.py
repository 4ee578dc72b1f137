"""Change a callflow file the way an admin would by hand: one key, comments and order kept.

The file is edited with ruamel.yaml's round-trip mode, so the diff shows only the changed
line(s). The new text is checked with the same validator as `voice callflows check` before
it atomically replaces the file; an invalid result leaves the file untouched.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from voice.errors import CallflowInvalid
from voice.flow.loader import check_callflow


class Reloads(Protocol):
    """The running service's lines (calls.lines.Lines): read the callflow files again."""

    def reload(self) -> object:
        """Reload every line from its file."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines the operator wrote
    yaml.indent(mapping=2, sequence=4, offset=2)  # the style of the shipped callflows
    return yaml


def send_to_people(
    path: str | Path, intent: str, team: str | None = None, lines: Reloads | None = None
) -> str:
    """Set `intents.<intent>.to_people: true` (and `team`); return the unified diff."""
    return set_to_people(path, intent, True, team, lines)


def set_to_people(
    path: str | Path,
    intent: str,
    on: bool = True,
    team: str | None = None,
    lines: Reloads | None = None,
    dry_run: bool = False,
) -> str:
    """Send an intent to people (on) or back to the assistant; validate, write, reload, diff.

    Given back, `team` is the team the intent named before it was sent (kept for next time).
    With `dry_run` the change is validated and its diff returned, and the file is not written.
    """

    def change(data: dict) -> None:
        body = _intent_body(Path(path), data, intent)
        if on:
            # first in the intent, where an admin sees it at once, and clear of trailing blank
            # lines and comments, which ruamel keeps with the last key
            body.pop("to_people", None)
            body.insert(0, "to_people", True)
            if team:
                body.pop("team", None)
                body.insert(1, "team", team)
        else:
            body.pop("to_people", None)
            body.pop("team", None)
            if team:  # the team it named before it was sent to people
                body.insert(0, "team", team)

    path = Path(path)
    return _rewrite(path, change, lines, dry_run)


def _rewrite(
    path: Path, change: Callable[[dict], None], lines: Reloads | None, dry_run: bool = False
) -> str:
    """Load the file round-trip, `change` it, then validate, write, reload and return the diff."""
    before = path.read_text(encoding="utf-8")
    yaml = _yaml()
    try:
        data = yaml.load(before)
    except YAMLError as exc:
        problem = f"is not valid YAML: {exc}"
        raise CallflowInvalid(str(path), "(file)", problem, "fix it by hand first") from exc
    change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    after = out.getvalue()
    if after == before:
        return ""
    _replace_checked(path, after, write=not dry_run)
    if lines is not None and not dry_run:
        lines.reload()
    diff = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), str(path), str(path)
    )
    return "".join(diff)


def _intent_body(path: Path, data: object, intent: str) -> CommentedMap:
    intents = data.get("intents") if isinstance(data, dict) else None
    if not isinstance(intents, dict) or not isinstance(intents.get(intent), dict):
        known = ", ".join(intents) if isinstance(intents, dict) else "none"
        raise CallflowInvalid(
            str(path), f"intents.{intent}", "no such intent", f"use one of: {known}"
        )
    return intents[intent]


def _replace_checked(path: Path, text: str, write: bool = True) -> None:
    """Write `text` beside `path`, validate it, then swap it in atomically; else remove it."""
    # same folder (so relative paths such as greeting_audio resolve) and a name that the
    # callflow loader's *.yaml glob never picks up
    temp = path.with_name(f".{path.name}.{os.getpid()}.edit")
    temp.write_text(text, encoding="utf-8")
    try:
        callflow, report = check_callflow(temp)
        if callflow is None:
            first = report.errors[0]
            raise CallflowInvalid(str(path), first.key, first.problem, first.fix)
        if write:
            shutil.copymode(path, temp)
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def add_examples(path: str | Path, additions: list, lines: Reloads | None = None) -> str:
    """Append taught examples (teach.Addition) under their keys; validate, write, diff."""
    return _edit_lists(path, additions, _append, lines)


def remove_examples(path: str | Path, additions: list, lines: Reloads | None = None) -> str:
    """Take taught examples out again (undo); validate, write, reload, diff."""
    return _edit_lists(path, additions, _remove, lines)


def _append(items: list, text: str) -> None:
    if text not in items:
        items.append(text)


def _remove(items: list, text: str) -> None:
    while text in items:
        items.remove(text)


def _edit_lists(path: str | Path, additions: list, edit: Callable, lines: Reloads | None) -> str:
    """Apply `edit(list, text)` to each addition's list in the file, round-trip."""
    from ruamel.yaml.comments import CommentedSeq

    path = Path(path)

    def change(data: dict) -> None:
        for add in additions:
            if add.kind == "out_of_scope":
                if data.get("out_of_scope") is None:
                    data["out_of_scope"] = CommentedSeq()
                items = data["out_of_scope"]
            else:
                section = data.get(f"{add.kind}s")
                body = section.get(add.name) if isinstance(section, dict) else None
                if not isinstance(body, dict) or not isinstance(body.get("examples"), list):
                    raise CallflowInvalid(
                        str(path), add.key, "no such list of examples", "check the name"
                    )
                items = body["examples"]
            edit(items, add.text)
        if isinstance(data.get("out_of_scope"), list) and not data["out_of_scope"]:
            del data["out_of_scope"]  # undoing the last one leaves no empty key behind

    return _rewrite(path, change, lines)
