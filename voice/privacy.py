"""Redaction applied to every transcript before it is stored (caller's right 8)."""

from __future__ import annotations

import re

_SPOKEN = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_SSN = re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b")
# six or more digits, possibly split by spaces or dashes (cards, accounts, SSNs said slowly)
_DIGITS = re.compile(r"\d(?:[ -]?\d){5,}")
_SPOKEN_RUN = re.compile(r"\b(?:(?:" + "|".join(_SPOKEN) + r")\b[ -]?){6,}", re.IGNORECASE)


def redact(text: str, keep: tuple[str, ...] = ()) -> str:
    """Replace long digit strings (typed or spoken) with [redacted], except ones `keep` matches.

    `keep` holds regular expressions (a callflow's `privacy.keep`), matched against the digits.
    """
    kept = [re.compile(pattern) for pattern in keep]

    def scrub(match: re.Match) -> str:
        value = match.group(0)
        digits = re.sub(r"\D", "", value) or "".join(
            _SPOKEN[w.lower()] for w in re.findall(r"[a-z]+", value, re.I)
        )
        if any(p.fullmatch(digits) for p in kept):
            return value
        return "[redacted]" + (" " if value.endswith((" ", "-")) else "")

    for pattern in (_SSN, _DIGITS, _SPOKEN_RUN):
        text = pattern.sub(scrub, text)
    return text
