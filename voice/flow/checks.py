"""Small field checks shared by the callflow validator; each records a problem and returns."""

from __future__ import annotations

import difflib
import re

from voice.flow.report import KeyPath, Report

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SIP = re.compile(r"^sips?:[^@\s:]+@[^@\s]+$")
CLIENT = re.compile(r"^client:[A-Za-z0-9_.\-]+$")
TARGET_FIX = 'use an E.164 number ("+15551230001"), "sip:user@host" or "client:name"'


def type_name(value: object) -> str:
    """Return how an operator would describe a YAML value's type."""
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return 'did you mean "x"? ' when a close choice exists, else ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"? ' if close else ""


def unknown_keys(report: Report, mapping: dict, allowed: tuple[str, ...], path: KeyPath) -> None:
    """Record every key not in `allowed`, with the closest allowed key."""
    for key in mapping:
        if not isinstance(key, str):
            report.error((*path, str(key)), f"key {key!r} is not text", "put the key in quotes")
        elif key not in allowed:
            fix = did_you_mean(key, allowed) + "allowed keys: " + ", ".join(allowed)
            report.error((*path, key), "unknown key", fix)


def text(report: Report, mapping: dict, key: str, path: KeyPath, required: bool = False) -> str:
    """Return a non-empty text value, recording a problem when it is missing or not text."""
    value = mapping.get(key)
    if value is None:
        if required:
            report.error((*path, key), "is missing", f"add `{key}:` with text")
        return ""
    if not isinstance(value, str) or not value.strip():
        report.error((*path, key), f"expected text, got {type_name(value)}", "write it in quotes")
        return ""
    return value.strip()


def title(report: Report, mapping: dict, path: KeyPath, longest: int = 60) -> str:  # a cell
    """Return an optional display title: one line of text, at most `longest` characters."""
    value = mapping.get("title")
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        got = "empty text" if isinstance(value, str) else type_name(value)
        report.error(
            (*path, "title"),
            f"expected a title in words, got {got}",
            'write what admins should read, e.g. `title: "Order status"`, or remove the key',
        )
        return ""
    shown = " ".join(value.split())
    if len(shown) > longest:
        report.error(
            (*path, "title"),
            f"is {len(shown)} characters long; titles are at most {longest}",
            "shorten it to a few words; it heads table rows and the agent's screen",
        )
        return ""
    return shown


def mapping(report: Report, value: object, path: KeyPath, required: bool = False) -> dict | None:
    """Return the value when it is a mapping (None counts as empty), else record a problem."""
    if value is None:
        if required:
            report.error(path, "is missing", f"add `{path[-1]}:` with its keys")
        return None
    if not isinstance(value, dict):
        report.error(
            path,
            f"expected a mapping of keys, got {type_name(value)}",
            "indent the keys under it, `key: value` one per line",
        )
        return None
    return value


def boolean(report: Report, mapping: dict, key: str, path: KeyPath, default: bool) -> bool:
    """Return a true/false value, recording a problem for anything else."""
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        report.error((*path, key), f"expected true or false, got {value!r}", "write true or false")
        return default
    return value


def number(
    report: Report, mapping: dict, key: str, path: KeyPath, default: float, bounds: tuple
) -> float:
    """Return a number within bounds (inclusive), recording a problem otherwise."""
    value = mapping.get(key, default)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        report.error(
            (*path, key),
            f"expected a number from {low} to {high}, got {value!r}",
            f"set it between {low} and {high}",
        )
        return default
    return float(value)


def whole_number(report: Report, mapping: dict, key: str, path: KeyPath, low: int, fix: str) -> int:
    """Return a whole number no smaller than `low`, recording a problem (and `fix`) otherwise."""
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        got = f"text {value!r}" if isinstance(value, str) else repr(value)
        report.error((*path, key), f"expected a whole number, {low} or more, got {got}", fix)
        return low
    return value


def string_list(report: Report, value: object, path: KeyPath, what: str) -> list[str]:
    """Return a non-empty list of non-empty texts, recording each item that is not one."""
    if isinstance(value, str):
        report.error(
            path,
            f"expected a list of {what}, got one text",
            f"write it as a list: [{value}] or one `- item` per line",
        )
        return []
    if not isinstance(value, list) or not value:
        got = "an empty list" if value == [] else type_name(value)
        report.error(
            path,
            f"expected a non-empty list of {what}, got {got}",
            "add at least one, one `- item` per line",
        )
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            report.error(
                (*path, i),
                f"expected text, got {type_name(item)} {item!r}",
                "put it in quotes, or remove the empty item",
            )
        else:
            out.append(item.strip())
    return out


def target(report: Report, value: object, path: KeyPath) -> str:
    """Return a valid transfer target (E.164, sip:, client:), recording a problem otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        report.error(
            path,
            f"{value} was read as a number (YAML drops a leading +)",
            f'put it in quotes: "+{value}"',
        )
        return ""
    if not isinstance(value, str) or not (
        E164.match(value) or SIP.match(value) or CLIENT.match(value)
    ):
        report.error(path, f"{value!r} is not a phone number, SIP address or client", TARGET_FIX)
        return ""
    return value
