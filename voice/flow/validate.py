"""Check a parsed callflow file against the format (DESIGN.md) and build the Callflow."""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path

from voice.flow import checks, sections
from voice.flow.hours import Hours, parse_hours
from voice.flow.lexicon import Lexicon, has_lexicon, lexicon_for
from voice.flow.model import Business, Callflow
from voice.flow.report import Report
from voice.flow.templates import fill, template_problems
from voice.flow.text import PhraseSet, normalise

TOP_KEYS = (
    "version",
    "name",
    "description",
    "business",
    "language",
    "greeting",
    "greeting_audio",
    "voice",
    "numbers",
    "fallback_number",
    "silence_timeout",
    "confidence_threshold",
    "followup",
    "goodbye",
    "handoff",
    "recording",
    "intents",
    "escalations",
    "teams",
    "frustration",
    "repeat_caller",
    "human_words",
    "speech",
    "listening",
    "privacy",
    "retention_days",
    "survey",
    "out_of_scope",
)
BUSINESS_KEYS = ("name", "timezone", "hours")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_RETENTION_FIX = (
    "write the days this line keeps callers' words and numbers, e.g. `retention_days: 90`, "
    "or remove the key to use RETENTION_DAYS (90 by default)"
)
_SKELETON = "version, name, business, language, greeting, intents, teams (see DESIGN.md)"


def build_callflow(data: object, report: Report, path: Path) -> Callflow | None:
    """Return the Callflow, or None when `report` holds errors."""
    if not isinstance(data, dict):
        got = "empty" if data is None else f"{checks.type_name(data)}, not a mapping of keys"
        report.error((), f"the file is {got}", f"write a mapping with the keys {_SKELETON}")
        return None
    checks.unknown_keys(report, data, TOP_KEYS, ())
    name = _identity(report, data)
    language = _language(report, data)
    lex = lexicon_for(language)
    business = _business(report, data.get("business"))
    teams, default_team = sections.build_teams(report, data.get("teams"))
    intents = sections.build_intents(report, data, teams)
    escalations = sections.build_escalations(report, data.get("escalations"), teams, default_team)
    sections.check_answers(report, intents, business.hours.given)
    sections.check_duplicates(report, lex, {"intents": intents, "escalations": escalations})
    sections.check_titles(report, {"intents": intents, "escalations": escalations, "teams": teams})
    texts = _texts(report, data, lex, business.name)
    options = _options(report, data, path, teams)
    _honest_greeting(report, texts.get("greeting", ""), lex, options.get("recording", False))
    survey = sections.build_survey(report, data.get("survey"), language)
    if report.errors:
        return None
    return Callflow(
        name=name,
        business=business,
        language=language,
        intents=intents,
        escalations=escalations,
        teams=teams,
        default_team=default_team,
        path=path,
        survey=survey,
        greeting=texts["greeting"],
        followup=texts["followup"],
        goodbye=texts["goodbye"],
        handoff=texts["handoff"],
        **options,
    )


def _identity(report: Report, data: dict) -> str:
    if "version" not in data:
        report.error(("version",), "is missing", "add `version: 1` at the top")
    elif data["version"] != 1 or isinstance(data["version"], bool):
        report.error(
            ("version",),
            f"unsupported version {data['version']!r}",
            "set `version: 1`; it is the only version",
        )
    name = checks.text(report, data, "name", (), required=True)
    if name and not _NAME.match(name):
        report.error(
            ("name",),
            f"{name!r} is not a usable name",
            "use lowercase letters, digits, - and _, e.g. acme-outfitters",
        )
    return name


def _language(report: Report, data: dict) -> str:
    language = checks.text(report, data, "language", ()) or "en-US"
    if not _LANGUAGE.match(language):
        report.error(
            ("language",), f"{language!r} is not a language tag", "use e.g. en-US or ko-KR"
        )
        return "en-US"
    return language


def _business(report: Report, raw: object) -> Business:
    body = checks.mapping(report, raw, ("business",), required=True) or {}
    if not body:
        return Business(name="")
    checks.unknown_keys(report, body, BUSINESS_KEYS, ("business",))
    name = checks.text(report, body, "name", ("business",), required=True)
    timezone = checks.text(report, body, "timezone", ("business",), required=True)
    if timezone:
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = checks.did_you_mean(timezone, sorted(zoneinfo.available_timezones()))
            report.error(
                ("business", "timezone"),
                f"unknown timezone {timezone!r}",
                hint + "use an IANA name such as America/Chicago or Asia/Seoul",
            )
            timezone = ""
    hours = Hours()
    spec = checks.mapping(report, body.get("hours"), ("business", "hours"))
    if spec:
        hours, errors = parse_hours(spec)
        for key, exc in errors:
            report.error(("business", "hours", key), exc.problem, exc.fix)
    return Business(name=name, timezone=timezone or "UTC", hours=hours)


def _texts(report: Report, data: dict, lex: Lexicon, business_name: str) -> dict[str, str]:
    """Return greeting, followup, goodbye and handoff, with the language's defaults."""
    out = {"greeting": checks.text(report, data, "greeting", (), required=True)}
    for key in ("followup", "goodbye", "handoff"):
        value = checks.text(report, data, key, ())
        if not value and not getattr(lex, key):
            report.warn(
                (key,),
                f"no default {key} text for {data.get('language')!r}",
                f"set `{key}:` in the callflow's language; English is used",
            )
        out[key] = value or getattr(lex, key) or getattr(lexicon_for("en"), key)
    allowed = {"handoff": ("team", "business.name")}
    for key, value in out.items():
        for problem, fix in template_problems(value, None, allowed.get(key, ("business.name",))):
            report.error((key,), problem, fix)
        if key != "handoff":
            out[key] = fill(value, {"business.name": business_name})
    return out


def _options(report: Report, data: dict, path: Path, teams: dict) -> dict:
    """Return the optional line settings: voice, audio, numbers, timeouts, rules."""
    opts: dict = {
        "voice": checks.text(report, data, "voice", ()),
        "description": checks.text(report, data, "description", ()),
        "silence_timeout": checks.number(report, data, "silence_timeout", (), 6.0, (1, 60)),
        "confidence_threshold": checks.number(
            report, data, "confidence_threshold", (), 0.5, (0, 1)
        ),
        "recording": checks.boolean(report, data, "recording", (), False),
        "frustration": sections.build_switch(report, data.get("frustration"), "frustration", teams),
        "repeat_caller": sections.build_switch(
            report, data.get("repeat_caller"), "repeat_caller", teams
        ),
        "greeting_audio": _audio(report, data, path),
        "fallback_number": "",
        "numbers": (),
        "human_words": (),
    }
    if data.get("fallback_number") is not None:
        opts["fallback_number"] = checks.target(
            report, data["fallback_number"], ("fallback_number",)
        )
    if data.get("numbers") is not None:
        raw = data["numbers"] if isinstance(data["numbers"], list) else [data["numbers"]]
        found = [checks.target(report, n, ("numbers", i)) for i, n in enumerate(raw)]
        for i, number in enumerate(found):
            if number and not checks.E164.match(number):
                report.error(
                    ("numbers", i),
                    f"{number!r} is not a phone number",
                    'list the E.164 numbers this line answers, e.g. "+15005550100"',
                )
        opts["numbers"] = tuple(n for n in found if n)
    if data.get("human_words") is not None:
        words = checks.string_list(report, data["human_words"], ("human_words",), "words")
        opts["human_words"] = tuple(words)
    if data.get("out_of_scope") is not None:
        said = checks.string_list(report, data["out_of_scope"], ("out_of_scope",), "utterances")
        opts["out_of_scope"] = tuple(said)
    opts["speech_grammar"] = _speech(report, data.get("speech"))
    opts["listening"] = sections.build_listening(report, data.get("listening"))
    opts["privacy_keep"] = _privacy(report, data.get("privacy"))
    if data.get("retention_days") is not None:
        opts["retention_days"] = checks.whole_number(
            report, data, "retention_days", (), 1, _RETENTION_FIX
        )
    return opts


def _privacy(report: Report, section: object) -> tuple[str, ...]:
    """Return the patterns of values kept in stored transcripts (e.g. this line's order numbers)."""
    if section is None:
        return ()
    if not isinstance(section, dict):
        report.error(("privacy",), "must be a mapping", 'write e.g. `privacy: {keep: ["\\d{8}"]}`')
        return ()
    checks.unknown_keys(report, section, ("keep",), ("privacy",))
    patterns = checks.string_list(report, section.get("keep", []), ("privacy", "keep"), "patterns")
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            report.error(
                ("privacy", "keep", i),
                f"{pattern!r} is not a valid pattern: {exc}",
                "write a Python regular expression, e.g. \\d{8} for 8-digit numbers",
            )
    return tuple(patterns)


def _speech(report: Report, section: object) -> bool:
    """Return whether recognition is limited to the callflow's own phrases (`speech.grammar`)."""
    if section is None:
        return False
    if not isinstance(section, dict):
        report.error(("speech",), "must be a mapping", "write e.g. `speech: {grammar: true}`")
        return False
    checks.unknown_keys(report, section, ("grammar",), ("speech",))
    return checks.boolean(report, section, "grammar", ("speech",), False)


def _audio(report: Report, data: dict, path: Path) -> Path | None:
    name = checks.text(report, data, "greeting_audio", ())
    if not name:
        return None
    audio = (path.parent / name).resolve()
    if not audio.is_file():
        report.error(
            ("greeting_audio",),
            f"{name!r} does not exist (looked for {audio})",
            "give a WAV path relative to the callflow file, or remove the key",
        )
        return None
    if audio.suffix.lower() != ".wav":
        report.warn(
            ("greeting_audio",), f"{name!r} is not a .wav file", "record the greeting as WAV"
        )
    return audio


def _honest_greeting(report: Report, greeting: str, lex: Lexicon, recording: bool) -> None:
    """Rule 2 and 8: the greeting says it's automated, a person is a word away, and recording."""
    if not greeting:
        return
    if not has_lexicon(lex.language):
        report.warn(
            ("greeting",),
            "cannot check this language's greeting for honesty",
            "make sure it says it is automated, how to reach a person, "
            "and that calls are recorded when `recording: true`",
        )
        return
    text = normalise(greeting, lex)
    strict = report.error if lex.language == "en" else report.warn
    if not PhraseSet(lex.automation_words, lex).find(text):
        strict(
            ("greeting",),
            "does not say the caller is talking to an automated assistant",
            f"say so, e.g. with one of: {', '.join(lex.automation_words[:3])}",
        )
    if not PhraseSet(lex.person_words, lex).find(text):
        strict(
            ("greeting",),
            "does not tell the caller how to reach a person",
            f"add e.g. \"say '{lex.human[0]}' for a person\"",
        )
    if recording and not PhraseSet(lex.recording_words, lex).find(text):
        report.error(
            ("greeting",),
            "`recording: true` but the greeting does not mention it",
            "add e.g. 'calls are recorded' to the greeting",
        )
