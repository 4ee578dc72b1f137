"""Neutral call steps the domain returns; telephony/ renders them (TwiML for Twilio)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Stage = Literal["greeting", "followup"]
Speech = Literal["vosk", "text"]  # "text": a simulator stands in for the recognizer


@dataclass(frozen=True, slots=True)
class Say:
    """Speak text to the caller with the line's voice and language."""

    text: str
    voice: str = ""
    language: str = ""


@dataclass(frozen=True, slots=True)
class Listen:
    """Open the live audio stream for one listening turn (greeting or follow-up)."""

    stage: Stage
    speech: Speech = "vosk"


@dataclass(frozen=True, slots=True)
class Dial:
    """Connect the caller to a person at `target` (E.164, sip:…, client:…), with a whisper."""

    target: str
    transfer_id: int | None = None  # whisper and dial-status URLs are derived from it
    caller_id: str = ""
    timeout_s: int = 20
    callback_id: int | None = None  # a callback's customer leg: its own dial-status URL


@dataclass(frozen=True, slots=True)
class Hangup:
    """End the call (after any Say before it)."""


@dataclass(frozen=True, slots=True)
class Enqueue:
    """Put the caller in line for a person; the wait loop is served per queue entry."""

    queue: str
    entry_id: int


@dataclass(frozen=True, slots=True)
class Offer:
    """Say one offer the caller takes with a key or a few words (a callback, a voicemail)."""

    text: str
    voice: str = ""
    language: str = ""
    purpose: Literal["queue", "closed"] = "queue"
    entry_id: int | None = None  # the queue entry, for purpose "queue"
    hints: str = ""  # words the provider's recognizer should expect, in the line's language


@dataclass(frozen=True, slots=True)
class Hold:
    """Keep a queued caller waiting `seconds`, then run the wait loop again."""

    entry_id: int
    seconds: int = 20


@dataclass(frozen=True, slots=True)
class Leave:
    """Take the caller out of the queue; how they left decides what comes next."""


@dataclass(frozen=True, slots=True)
class Voicemail:
    """Record a message (with a transcript) after a tone."""

    max_s: int = 120


@dataclass(frozen=True, slots=True)
class Survey:
    """Ask for a 1-5 rating, said or pressed; no answer moves on to the next step."""

    text: str
    voice: str = ""
    language: str = ""
    call_id: int | None = None  # the rated call, when this is not it (an outbound survey call)


Step = Say | Listen | Dial | Hangup | Enqueue | Offer | Hold | Leave | Voicemail | Survey
_KINDS: dict[str, type] = {
    "say": Say,
    "listen": Listen,
    "dial": Dial,
    "hangup": Hangup,
    "enqueue": Enqueue,
    "offer": Offer,
    "hold": Hold,
    "leave": Leave,
    "voicemail": Voicemail,
    "survey": Survey,
}


@dataclass(frozen=True, slots=True)
class Plan:
    """What the call does next, in order; stored as JSON so any worker can render it."""

    steps: tuple[Step, ...]
    reason: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Serialise for storage in calls.next_action."""
        kinds = {cls: name for name, cls in _KINDS.items()}
        return {
            "reason": self.reason,
            "notes": self.notes,
            "steps": [{"kind": kinds[type(s)], **asdict(s)} for s in self.steps],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """Rebuild a plan stored by to_json()."""
        steps = []
        for raw in data["steps"]:
            fields = dict(raw)
            steps.append(_KINDS[fields.pop("kind")](**fields))
        return cls(steps=tuple(steps), reason=data.get("reason", ""), notes=data.get("notes", {}))
