"""Redaction applied to every transcript before it is stored (caller's right 8).

Two kinds of things are redacted:

- **e-mail addresses**, typed (`jane.doe@example.com`) or spoken (`jane dot doe at example
  dot com`);
- **long numbers**: any run of six or more digits, however it was typed or said. A run is a
  sequence of numbers, typed (`4111`, `4111.1111`, `123-45-6789`) or spoken (`four one`,
  `forty one eleven`, `four thousand one hundred eleven`, `double oh`), joined only by
  separators (spaces, dashes, dots, commas, brackets) or by filler words ("and", "dash", "um").
  So a card said in pairs, in groups joined by "and", or half typed and half spoken is still one
  run, and redacted whole.

Short numbers stay, so routing still works ("order 42", "5 pm", "2 items"), and so do values a
callflow declares under `privacy.keep` (regular expressions matched against the run's digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REDACTED = "[redacted]"
MIN_DIGITS = 6  # a run this long is a card, an account, an SSN or a phone number

_UNITS = {"zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4,
          "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}  # fmt: skip
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
_REPEATS = {"double": 2, "triple": 3}
# Said between the groups of one number; they join a run but are not part of it.
_JOINERS = {"and", "dash", "hyphen", "um", "uh", "er", "erm", "ah", "hmm", "then"}
# Speech recognisers hear these for digits; they count only between two numbers.
_HOMOPHONES = {"to": 2, "too": 2, "for": 4}

_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
_GAP = re.compile(r"[\s.,\-\u2013\u2014()]*")  # what may separate two parts of one run

_TYPED_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_TLDS = r"com|org|net|edu|gov|io|co|uk|us|ca|de|fr|info|biz|me|ai|dev|app|au|in|kr|mil"
_PART = r"[^\W_]+(?:\s+(?:dot|underscore|dash|hyphen|point)\s+[^\W_]+){0,4}"
_SPOKEN_EMAIL = re.compile(
    rf"\b{_PART}\s+at\s+[^\W_]+(?:(?:\s+(?:dot|point)\s+|\.)[^\W_]+){{0,4}}"
    rf"(?:\s+(?:dot|point)\s+|\.)(?:{_TLDS})\b",
    re.IGNORECASE | re.UNICODE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    word: str  # lowercased
    start: int
    end: int


def redact(text: str, keep: tuple[str, ...] = ()) -> str:
    """Replace e-mail addresses and long numbers (typed or spoken) with [redacted].

    `keep` holds regular expressions (a callflow's `privacy.keep`), matched against the digits of
    a number; a number one of them matches in full is kept as it was said.
    """
    text = _TYPED_EMAIL.sub(REDACTED, text)
    text = _SPOKEN_EMAIL.sub(REDACTED, text)
    kept = [re.compile(pattern) for pattern in keep]
    out, last = [], 0
    for start, end, digits in number_runs(text):
        if len(digits) < MIN_DIGITS or any(p.fullmatch(digits) for p in kept):
            continue
        out += [text[last:start], REDACTED]
        last = end
    return "".join(out) + text[last:]


def number_runs(text: str) -> list[tuple[int, int, str]]:
    """Return each run of numbers in `text` as (start, end, its digits)."""
    tokens = [_Token(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    runs, i = [], 0
    while i < len(tokens):
        if not _starts_number(tokens, i):
            i += 1
            continue
        j = _run_end(text, tokens, i)
        runs.append((tokens[i].start, tokens[j - 1].end, _digits(tokens[i:j])))
        i = j
    return runs


def _is_number_word(word: str) -> bool:
    return word in _UNITS or word in _TEENS or word in _TENS or word in _SCALES


def _starts_number(tokens: list[_Token], i: int) -> bool:
    """Return whether tokens[i] begins a number (a bare "o" or "oh" only next to another)."""
    word = tokens[i].word
    if word.isdigit() or (_is_number_word(word) and word not in ("o", "oh")):
        return True
    following = tokens[i + 1].word if i + 1 < len(tokens) else ""
    if word in _REPEATS:
        return following in _UNITS or following.isdigit()
    return word in ("o", "oh") and (following.isdigit() or _is_number_word(following))


def _run_end(text: str, tokens: list[_Token], i: int) -> int:
    """Return the index after the last number of the run starting at tokens[i]."""
    end = i + 1
    j = i + 1
    while j < len(tokens):
        if not _GAP.fullmatch(text, tokens[j - 1].end, tokens[j].start):
            break
        word = tokens[j].word
        if word.isdigit() or _is_number_word(word) or _starts_number(tokens, j):
            end = j = j + 1
        elif word in _JOINERS or word in _HOMOPHONES:
            j += 1  # counts only if another number follows
        else:
            break
    return end


def _digits(tokens: list[_Token]) -> str:
    """Return the digits a run of tokens says, e.g. "forty one eleven" → "4111"."""
    words = [t.word for t in tokens]
    out, i = [], 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            out.append(word)
            i += 1
        elif word in _REPEATS and i + 1 < len(words):
            said = words[i + 1] if words[i + 1].isdigit() else str(_UNITS.get(words[i + 1], ""))
            out.append(said * _REPEATS[word])
            i += 2
        elif _is_number_word(word):
            value, i = _spoken_number(words, i)
            out.append(str(value))
        else:
            out.append(str(_HOMOPHONES.get(word, "")))  # a joiner adds nothing
            i += 1
    return "".join(out)


def _small(words: list[str], i: int) -> tuple[int | None, int]:
    """Read 0-99 ("seven", "twelve", "forty", "forty one") at words[i]; (None, i) if none."""
    word = words[i] if i < len(words) else ""
    if word in _UNITS:
        return _UNITS[word], i + 1
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _TENS:
        following = words[i + 1] if i + 1 < len(words) else ""
        if _UNITS.get(following, 0) > 0:
            return _TENS[word] + _UNITS[following], i + 2
        return _TENS[word], i + 1
    return None, i


def _spoken_number(words: list[str], i: int) -> tuple[int, int]:
    """Read one spoken number at words[i], e.g. "four thousand one hundred and eleven"."""
    total = 0
    value, i = _small(words, i)
    for scale in ("thousand", "hundred"):
        if i < len(words) and words[i] == scale:
            total += (1 if value is None else value) * _SCALES[scale]
            i += 1
            if i + 1 < len(words) and words[i] == "and" and _small(words, i + 1)[0] is not None:
                i += 1
            value, i = _small(words, i)
    return total + (value or 0), i
