"""Names and reasons in words on every page: `flow.titles` over the lines the service runs.

Templates call `intent_title(key, line)`, `escalation_title`, `topic_title`, `team_title` and
filter with `reason(line)`; `line` is the callflow's name, and may be left out where a page
shows one line's rows (the key is looked up in every loaded line then).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, has_app_context

from voice.errors import CallflowNotFound
from voice.flow import titles
from voice.flow.model import Callflow


def line_named(
    name: str | None, has: Callable[[Callflow], bool] = lambda _: True
) -> Callflow | None:
    """Return the loaded line called `name`; without one, the first line for which `has` holds."""
    runtime = current_app.extensions.get("voice") if has_app_context() else None
    lines = getattr(runtime, "lines", None)
    if lines is None:
        return None
    try:
        if name:
            return lines.by_name(name)
        return next((c for c in map(lines.by_name, lines.names) if has(c)), None)
    except CallflowNotFound:
        return None


def intent_title(key: str | None, line: str | None = None) -> str:
    """Return an intent's title on a line."""
    return titles.intent(line_named(line, lambda c: key in c.intents), key)


def escalation_title(key: str | None, line: str | None = None) -> str:
    """Return an escalation's title on a line."""
    return titles.escalation(line_named(line, lambda c: key in c.escalations), key)


def topic_title(key: str | None, line: str | None = None) -> str:
    """Return the title of what a call was about: an intent or an escalation."""
    found = line_named(line, lambda c: key in c.intents or key in c.escalations)
    return titles.topic(found, key)


def team_title(key: str | None, line: str | None = None) -> str:
    """Return a team's title on a line."""
    return titles.team(line_named(line, lambda c: key in c.teams), key)


def reason_words(code: str | None, line: str | None = None) -> str:
    """Return a routing reason in words, with the line's escalation titles."""
    if code and code.startswith(titles.ESCALATION):
        key = code.removeprefix(titles.ESCALATION)
        return titles.reason(code, line_named(line, lambda c: key in c.escalations))
    return titles.reason(code)


def reason_code(text: str, line: str | None = None) -> str | None:
    """Return the stored reason for the words a page shows (or the code itself), else None."""
    found = titles.reason_code(text)
    if found is not None and not found.startswith(titles.ESCALATION):
        return found
    runtime = current_app.extensions.get("voice")
    names = [line] if line else list(getattr(getattr(runtime, "lines", None), "names", []))
    for name in names:
        code = titles.reason_code(text, line_named(name))
        if code is not None:
            return code
    return found


def register(app: Flask) -> None:
    """Make the title helpers available to every template."""
    for function in (intent_title, escalation_title, topic_title, team_title):
        app.add_template_global(function, function.__name__)
