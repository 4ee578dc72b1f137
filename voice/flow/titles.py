"""What admins and agents read instead of keys: intent, escalation and team titles, and reasons.

A callflow may give intents, escalations and teams a `title:` ("Order status"). Without one,
a team shows the name callers hear ("Account security"), and anything else its key in words
(`order_status` reads "Order status"). Every page takes names from here, and every routing
reason from `REASONS`, so a name reads the same wherever it is shown.
"""

from __future__ import annotations

from voice.flow.model import Callflow, Escalation, Intent, Team

# Why a call went where it did, in the words an agent would use; keyed by the stored reason.
REASONS = {
    "intent": "answered by the assistant",
    "asked_for_human": "asked for a person",
    "no_match": "no confident match",
    "low_confidence": "not heard clearly",
    "vague": "request too vague to answer",
    "two_requests": "more than one request",
    "frustration": "sounded frustrated",
    "upset": "sounded upset",
    "repeat_caller": "called again within a day",
    "lookup_failed": "couldn't look up their details",
    "silence": "said nothing",
    "followup": "a second request after an answer",
    "sent_to_people": "topic sent to people by an admin",
    "done": "finished (no more questions)",
    "model_missing": "speech recognition unavailable",
    "busy": "line at capacity",
    "stream_dropped": "the audio connection dropped",
    "queue_left": "left the line without reaching anyone",
    "unanswered": "nobody answered",
    "no_target": "nowhere to ring",
}
FAULT_WORDS = "a system fault"  # any `*_failed` reason: a webhook failed, so a person took over
ESCALATION = "escalation:"
ALWAYS_A_PERSON = "always handled by a person"


def words(key: str) -> str:
    """Return a key in words, capitalised: `order_status` reads "Order status"."""
    text = " ".join(key.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


def title_of(item: Intent | Escalation | Team) -> str:
    """Return the title shown for a callflow entry: its own, else (a team's) name, else its key."""
    if isinstance(item, Team):
        return item.title or words(item.name or item.key)
    return item.title or words(item.name)


def intent(line: Callflow | None, key: str | None) -> str:
    """Return an intent's title; its key in words when the line has none (or no longer has it)."""
    return _title(line.intents if line else {}, key)


def escalation(line: Callflow | None, key: str | None) -> str:
    """Return an escalation's title; its key in words when the line has none."""
    return _title(line.escalations if line else {}, key)


def team(line: Callflow | None, key: str | None) -> str:
    """Return a team's title, else the name callers hear ("Account security"), else its key."""
    return _title(line.teams if line else {}, key)


def _title(items: dict, key: str | None) -> str:
    if not key:
        return ""
    found = items.get(key)
    return title_of(found) if found else words(key)


def topic(line: Callflow | None, key: str | None) -> str:
    """Return the title of an intent or escalation by key (a call's "intent" may be either)."""
    if line and key in line.escalations and key not in line.intents:
        return escalation(line, key)
    return intent(line, key)


def reason(code: str | None, line: Callflow | None = None) -> str:
    """Return a routing reason in words ("escalation:fraud" reads "Fraud: always handled…")."""
    if not code:
        return ""
    if code.startswith(ESCALATION):
        return f"{escalation(line, code.removeprefix(ESCALATION))}: {ALWAYS_A_PERSON}"
    if code in REASONS:
        return REASONS[code]
    if code.endswith("_failed"):
        return FAULT_WORDS
    return words(code).lower()


def reason_code(text: str, line: Callflow | None = None) -> str | None:
    """Return the stored reason that reads `text` (as `reason` shows it), or None.

    Filters take what the page shows: "asked for a person" finds `asked_for_human`, and
    "Fraud: always handled by a person" (or just "Fraud") finds `escalation:fraud`.
    """
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    known = {code.casefold(): code for code in REASONS}
    known |= {shown.casefold(): code for code, shown in REASONS.items()}
    if wanted in known:
        return known[wanted]
    for key in line.escalations if line else ():
        shown = reason(ESCALATION + key, line).casefold()
        if wanted in (shown, escalation(line, key).casefold(), key.casefold()):
            return ESCALATION + key
    return wanted if wanted.startswith(ESCALATION) else None
