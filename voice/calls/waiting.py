"""What a caller hears while waiting for a person, and outside opening hours. Pure functions."""

from __future__ import annotations

import re

from voice.calls.actions import Dial, Enqueue, Hangup, Hold, Leave, Offer, Plan, Voicemail
from voice.calls.plans import say

CALLBACK_OFFER = "To have us call you back instead, say 'call me back' or press 1."
QUEUED = "Everyone on our {team} team is helping another caller. I'll keep your place in line."
CONNECTING = "Thanks for waiting. Connecting you now."
HOLD_S = 20  # between announcements
_CALLBACK = re.compile(r"\b(call(ing)? ?me ?back|callback|call back|ring me back)\b", re.I)
_MESSAGE = re.compile(r"\b(message|voice ?mail|record)\b", re.I)


def wants_callback(digits: str, speech: str) -> bool:
    """Return True when the caller pressed 1 or asked to be called back."""
    return digits.strip() == "1" or bool(_CALLBACK.search(speech or ""))


def wants_message(digits: str, speech: str) -> bool:
    """Return True when the caller pressed 2 or asked to leave a message."""
    return digits.strip() == "2" or bool(_MESSAGE.search(speech or ""))


def _offer(callflow: object, text: str, purpose: str, entry_id: int | None = None) -> Offer:
    spoken = say(callflow, text)
    return Offer(spoken.text, spoken.voice, spoken.language, purpose, entry_id)


def queue_name(callflow: object, team: str) -> str:
    """Return the provider's queue name for a line's team (64 characters at most)."""
    return f"{callflow.name}:{team}"[:64]


def queued_plan(callflow: object, team: str, entry_id: int) -> Plan:
    """Tell the caller everyone is busy, then put them in line."""
    text = QUEUED.replace("{team}", callflow.team(team).display_name)
    steps = (say(callflow, text), Enqueue(queue_name(callflow, team), entry_id))
    return Plan(steps, reason="queued")


def wait_plan(callflow: object, entry_id: int, place: str, wait: str) -> Plan:
    """Announce the caller's position and the honest wait, offer a callback, hold, repeat."""
    offer = _offer(callflow, f"{place} {wait} {CALLBACK_OFFER}", "queue", entry_id)
    return Plan((offer, Hold(entry_id, HOLD_S)), reason="waiting")


def hold_plan(entry_id: int, seconds: int = 2) -> Plan:
    """Hold quietly while the caller is being connected."""
    return Plan((Hold(entry_id, seconds),), reason="connecting")


def leave_plan() -> Plan:
    """Take the caller out of the queue (the queue's action URL says what comes next)."""
    return Plan((Leave(),), reason="leave")


def connect_plan(callflow: object, target: str, transfer_id: int) -> Plan:
    """Dial the agent who just became free, with the whisper."""
    return Plan((say(callflow, CONNECTING), Dial(target, transfer_id)), reason="dequeued")


def callback_confirmed(callflow: object, number: str) -> Plan:
    """Confirm the callback and end the call politely."""
    digits = " ".join([c for c in number if c.isdigit()][-4:])
    text = (
        f"Thanks. We'll call you back at the number ending in {digits} as soon as someone "
        f"is free. You don't need to stay on the line. Goodbye."
    )
    return Plan((say(callflow, text), Hangup()), reason="callback_requested")


def closed_plan(callflow: object) -> Plan:
    """Say the opening hours and offer a callback or a voicemail (the default)."""
    text = (
        f"Our team isn't available right now. We're open {callflow.hours_week()}. "
        "To have someone call you back when we open, say 'call me back' or press 1. "
        "To leave a message, say 'message' or press 2, or just stay on the line."
    )
    steps = (_offer(callflow, text, "closed"), *voicemail_plan(callflow).steps)
    return Plan(steps, reason="closed")


def voicemail_plan(callflow: object) -> Plan:
    """Ask for a message after the tone and record it."""
    text = "Please leave your name and message after the tone, then hang up or press the pound key."
    return Plan((say(callflow, text), Voicemail()), reason="voicemail")


def voicemail_thanks(callflow: object) -> Plan:
    """Thank the caller for their message and end the call."""
    text = "Thanks, we have your message and will call you back. Goodbye."
    return Plan((say(callflow, text), Hangup()), reason="voicemail_saved")
