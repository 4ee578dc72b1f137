"""Answer templates: `{business.name}`, `{business.hours_today}`, `{caller.name}`, `{lookup.x}`."""

from __future__ import annotations

import re

# Named data lookups an answer may use, and the fields each provides;
# voice.calls.lookups runs them.
LOOKUP_FIELDS: dict[str, tuple[str, ...]] = {
    "orders.latest_for_caller": ("number", "status", "status_phrase", "placed_on", "carrier"),
    "customers.by_caller": ("name",),
}
BUSINESS_FIELDS = ("business.name", "business.hours_today", "business.hours")
CALLER_FIELDS = ("caller.name",)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_EMPTY_GAPS = re.compile(r"\s+([,.!?;:])|([,;:])(?=\s*[.!?])")


def placeholders(template: str) -> list[str]:
    """Return the names inside `{…}` in a template, in order."""
    return [m.strip() for m in _PLACEHOLDER.findall(template)]


def template_problems(template: str, lookup: str | None, allowed: tuple[str, ...] = ()) -> list:
    """Return (problem, fix) pairs for braces or placeholders a template may not use."""
    allowed = allowed or BUSINESS_FIELDS + CALLER_FIELDS
    problems = []
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        problems.append(("has an unmatched { or }", "write each placeholder as {name}"))
    lookup_fields = LOOKUP_FIELDS.get(lookup or "", ())
    for name in placeholders(template):
        if name in allowed:
            continue
        if name.startswith("lookup."):
            field = name.removeprefix("lookup.")
            if not lookup:
                known = ", ".join(sorted(LOOKUP_FIELDS))
                fix = f"add `lookup:` (one of {known}) or remove {{{name}}}"
                problems.append((f"uses {{{name}}} but the intent has no lookup", fix))
            elif lookup in LOOKUP_FIELDS and field not in lookup_fields:
                fix = f"{lookup} provides: " + ", ".join(f"{{lookup.{f}}}" for f in lookup_fields)
                problems.append((f"{{{name}}} is not a field of {lookup}", fix))
            continue
        usable = list(allowed) + [f"lookup.{f}" for f in lookup_fields]
        problems.append((f"unknown placeholder {{{name}}}", _did_you_mean(name, usable)))
    return problems


def _did_you_mean(name: str, usable: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, usable, n=1, cutoff=0.5)
    known = ", ".join(f"{{{u}}}" for u in usable)
    return (f"did you mean {{{close[0]}}}? " if close else "") + f"placeholders are: {known}"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace the placeholders found in `values`; leave the others as they are."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return values[name] if name in values else match.group(0)

    return tidy(_PLACEHOLDER.sub(one, template))


def tidy(text: str) -> str:
    """Collapse the gaps an empty value leaves ("Thanks, ." → "Thanks.")."""
    text = _EMPTY_GAPS.sub(lambda m: m.group(1) or "", text)
    return " ".join(text.split())
