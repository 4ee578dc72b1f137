"""Validate and build a callflow's sections: teams, intents, escalations and optional rules."""

from __future__ import annotations

from collections.abc import Iterator

from voice.flow import checks, titles
from voice.flow.lexicon import TOPICS, Lexicon
from voice.flow.model import GENERAL, Escalation, Intent, Listening, Survey, Switch, Team
from voice.flow.report import KeyPath, Report
from voice.flow.templates import LOOKUP_FIELDS, template_problems
from voice.flow.text import normalise
from voice.flow.types import Priority

TEAM_KEYS = ("default", "target", "name", "title")
INTENT_KEYS = ("title", "examples", "answer", "lookup", "to_people", "team")
ESCALATION_KEYS = ("title", "examples", "team", "priority", "topics")
SWITCH_KEYS = ("enabled", "team")
SURVEY_KEYS = ("enabled", "question", "thanks")


def _name_ok(report: Report, name: object, path: KeyPath) -> bool:
    if isinstance(name, str) and name.isidentifier():
        return True
    report.error(
        (*path, str(name)),
        "is not a usable name",
        "use letters, digits and _ only, starting with a letter (e.g. order_status)",
    )
    return False


def build_teams(report: Report, raw: object) -> tuple[dict[str, Team], str]:
    """Return the teams and the default team's key; no teams means one implied `general`."""
    section = checks.mapping(report, raw, ("teams",))
    if not section:
        return {GENERAL: Team(GENERAL, default=True)}, GENERAL
    teams: dict[str, Team] = {}
    for key, value in section.items():
        path = ("teams", str(key))
        body = checks.mapping(report, value, path) or {}
        if not _name_ok(report, key, ("teams",)):
            continue
        checks.unknown_keys(report, body, TEAM_KEYS, path)
        where = (
            checks.target(report, body["target"], (*path, "target")) if body.get("target") else ""
        )
        teams[key] = Team(
            key=key,
            name=checks.text(report, body, "name", path),
            target=where,
            default=checks.boolean(report, body, "default", path, False),
            title=checks.title(report, body, path),
        )
    return teams, _default_team(report, teams)


def _default_team(report: Report, teams: dict[str, Team]) -> str:
    defaults = [t.key for t in teams.values() if t.default]
    if len(defaults) > 1:
        report.error(
            ("teams",),
            f"more than one default team: {', '.join(defaults)}",
            "keep `default: true` on one team only",
        )
    if defaults:
        return defaults[0]
    if len(teams) == 1:
        return next(iter(teams))
    if teams:
        report.error(
            ("teams",),
            "no default team",
            f"add `default: true` to the team that takes general calls (one of {', '.join(teams)})",
        )
        return next(iter(teams))
    return GENERAL


def build_intents(report: Report, data: dict, teams: dict[str, Team]) -> dict[str, Intent]:
    """Return the intents, recording problems in their examples, answers and lookups."""
    if "intents" not in data:
        report.error(
            ("intents",),
            "is missing",
            "add `intents:` with at least one request the assistant may answer",
        )
        return {}
    section = checks.mapping(report, data["intents"], ("intents",))
    if not section:
        report.warn(
            ("intents",),
            "is empty, so every caller goes to a person",
            "add intents for simple requests such as store hours",
        )
        return {}
    intents = {}
    for name, path, body in _entries(report, section, "intents", INTENT_KEYS):
        intents[name] = Intent(
            name=name,
            examples=_examples(report, body, path),
            answer=checks.text(report, body, "answer", path, required=True),
            lookup=_lookup(report, body, path),
            to_people=checks.boolean(report, body, "to_people", path, False),
            team=_team_ref(report, body.get("team"), (*path, "team"), teams),
            title=checks.title(report, body, path),
        )
    return intents


def _entries(
    report: Report, section: dict, kind: str, allowed: tuple[str, ...]
) -> Iterator[tuple[str, KeyPath, dict]]:
    """Yield (name, key path, body) for each well-formed entry of an intents-like section."""
    for name, value in section.items():
        path = (kind, str(name))
        body = checks.mapping(report, value, path, required=True) or {}
        if _name_ok(report, name, (kind,)) and body:
            checks.unknown_keys(report, body, allowed, path)
            yield name, path, body


def _examples(report: Report, body: dict, path: KeyPath) -> tuple[str, ...]:
    value = body.get("examples")
    return tuple(checks.string_list(report, value, (*path, "examples"), "example phrases"))


def _lookup(report: Report, body: dict, path: KeyPath) -> str | None:
    name = body.get("lookup")
    if name is None:
        return None
    if name not in LOOKUP_FIELDS:
        fix = checks.did_you_mean(str(name), tuple(LOOKUP_FIELDS))
        report.error(
            (*path, "lookup"),
            f"unknown lookup {name!r}",
            fix + "known lookups: " + ", ".join(LOOKUP_FIELDS),
        )
    return str(name)


def check_answers(report: Report, intents: dict[str, Intent], has_hours: bool) -> None:
    """Record placeholders an answer may not use (unknown, wrong lookup field, no hours)."""
    for intent in intents.values():
        path = ("intents", intent.name, "answer")
        for problem, fix in template_problems(intent.answer, intent.lookup):
            report.error(path, problem, fix)
        if not has_hours and "{business.hours" in intent.answer:
            report.error(
                path,
                "uses business hours but `business.hours` is not set",
                'add business.hours, e.g. {mon-fri: "09:00-17:00", sat: closed}',
            )


def build_escalations(
    report: Report, raw: object, teams: dict[str, Team], default_team: str
) -> dict[str, Escalation]:
    """Return the escalations, checking each team, priority and topic."""
    section = checks.mapping(report, raw, ("escalations",)) or {}
    escalations = {}
    for name, path, body in _entries(report, section, "escalations", ESCALATION_KEYS):
        escalations[name] = Escalation(
            name=name,
            examples=_examples(report, body, path),
            team=_team_ref(report, body.get("team"), (*path, "team"), teams) or default_team,
            priority=_priority(report, body.get("priority", "high"), (*path, "priority")),
            topics=_topics(report, body.get("topics"), (*path, "topics")),
            title=checks.title(report, body, path),
        )
    return escalations


def _team_ref(report: Report, key: object, path: KeyPath, teams: dict[str, Team]) -> str | None:
    if key is None:
        return None
    if key not in teams:
        fix = checks.did_you_mean(str(key), tuple(teams))
        report.error(
            path,
            f"team {key!r} is not in teams",
            fix + f"add it under `teams:` or use one of: {', '.join(teams)}",
        )
        return None
    return str(key)


def _priority(report: Report, value: object, path: KeyPath) -> Priority:
    if value == "urgent" or value == "normal":
        return value
    if value != "high":
        report.error(path, f"unknown priority {value!r}", "use urgent, high or normal")
    return "high"


def _topics(report: Report, value: object, path: KeyPath) -> tuple[str, ...]:
    if value is None:
        return ()
    topics = checks.string_list(report, value, path, "topics")
    for i, topic in enumerate(topics):
        if topic not in TOPICS:
            report.error(
                (*path, i),
                f"unknown topic {topic!r}",
                checks.did_you_mean(topic, TOPICS) + "topics: " + ", ".join(TOPICS),
            )
    return tuple(t for t in topics if t in TOPICS)


def build_switch(report: Report, raw: object, key: str, teams: dict[str, Team]) -> Switch:
    """Return an optional rule (`frustration`, `repeat_caller`): true/false or {enabled, team}."""
    if raw is None or isinstance(raw, bool):
        return Switch(enabled=raw is not False)
    body = checks.mapping(report, raw, (key,)) or {}
    checks.unknown_keys(report, body, SWITCH_KEYS, (key,))
    return Switch(
        enabled=checks.boolean(report, body, "enabled", (key,), True),
        team=_team_ref(report, body.get("team"), (key, "team"), teams),
    )


def build_survey(report: Report, raw: object, language: str) -> Survey:
    """Return the end-of-call rating: `survey: true` or {enabled, question, thanks}."""
    if raw is None or isinstance(raw, bool):
        body: dict = {"enabled": bool(raw)}
    else:
        body = checks.mapping(report, raw, ("survey",)) or {}
        checks.unknown_keys(report, body, SURVEY_KEYS, ("survey",))
    enabled = checks.boolean(report, body, "enabled", ("survey",), True)
    texts = {k: checks.text(report, body, k, ("survey",)) for k in ("question", "thanks")}
    for key, text in texts.items():
        if enabled and not text and not language.lower().startswith("en"):
            report.error(
                ("survey", key),
                f"has no default in {language!r}",
                f"write `survey.{key}:` in the line's language",
            )
    if (
        enabled
        and texts["question"]
        and not ("1" in texts["question"] and "5" in texts["question"])
    ):
        report.warn(
            ("survey", "question"),
            "does not say the scale",
            'say it, e.g. "from 1 to 5"; callers answer with one digit',
        )
    given = {k: v for k, v in texts.items() if v}
    return Survey(enabled=enabled, **given)


def check_titles(report: Report, line: dict[str, dict]) -> None:
    """Record a title shown for two intents (or escalations, or teams): admins could not tell."""
    for kind, items in line.items():
        seen: dict[str, str] = {}
        for key, item in items.items():
            shown = titles.title_of(item)
            other = seen.setdefault(shown.casefold(), key)
            if other != key:
                report.error(
                    (kind, key, "title"),
                    f"{shown!r} is also the title of {kind}.{other}",
                    f"give each of the {kind} its own `title:`",
                )


def check_duplicates(report: Report, lex: Lexicon, sections: dict[str, dict]) -> None:
    """Record an example given under two intents or escalations (the matcher cannot split them)."""
    owners: dict[str, tuple[str, str]] = {}
    for kind, items in sections.items():
        for name, item in items.items():
            for i, example in enumerate(item.examples):
                key = " ".join(normalise(example, lex).tokens)
                path = (kind, name, "examples", i)
                if not key:
                    report.error(
                        path,
                        f"{example!r} has no words once fillers are removed",
                        "write the words a caller would say",
                    )
                elif key in owners and owners[key] != (kind, name):
                    other = ".".join(owners[key])
                    report.error(
                        path,
                        f"{example!r} is also an example of {other}",
                        "keep each example under one intent or escalation",
                    )
                elif key in owners:
                    report.warn(path, f"{example!r} is given twice", "remove the repeat")
                owners.setdefault(key, (kind, name))


LISTENING_KEYS = ("end_silence_ms", "phrase_silence_ms")
LISTENING_BOUNDS = (200, 3000)  # ms: below, callers are cut off between words; above, Vosk's own
_LISTENING_FIX = (
    "write the quiet in milliseconds, e.g. `listening: {end_silence_ms: 500, "
    "phrase_silence_ms: 300}`, or remove the key for these defaults"
)


def build_listening(report: Report, raw: object) -> Listening:
    """Return when a caller's turn is over (`listening: {end_silence_ms, phrase_silence_ms}`)."""
    if raw is None:
        return Listening()
    body = checks.mapping(report, raw, ("listening",))
    if body is None:
        return Listening()
    checks.unknown_keys(report, body, LISTENING_KEYS, ("listening",))
    low, high = LISTENING_BOUNDS
    values = {}
    for key in LISTENING_KEYS:
        if key not in body:
            continue
        value = body[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            got = f"text {value!r}" if isinstance(value, str) else repr(value)
            report.error(
                ("listening", key),
                f"expected whole milliseconds from {low} to {high}, got {got}",
                _LISTENING_FIX,
            )
        else:
            values[key] = value
    listening = Listening(**values)
    if listening.phrase_silence_ms > listening.end_silence_ms:
        report.error(
            ("listening", "phrase_silence_ms"),
            f"is longer than end_silence_ms ({listening.phrase_silence_ms} > "
            f"{listening.end_silence_ms}), so it would never apply",
            "make phrase_silence_ms no longer than end_silence_ms",
        )
    return listening
