"""What a caller hears while waiting for a person, and outside opening hours. Pure functions.

Every sentence is in the line's language (calls/phrases.py), English by default.
"""

from __future__ import annotations

from typing import Literal

from voice.calls.actions import Dial, Enqueue, Hangup, Hold, Leave, Offer, Plan, Voicemail
from voice.calls.phrases import phrases_for
from voice.calls.plans import say
from voice.flow.model import Callflow

HOLD_S = 20  # between announcements


def wants_callback(callflow: Callflow, digits: str, speech: str) -> bool:
    """Return True when the caller pressed 1 or asked, in the line's language, to be called back."""
    words = phrases_for(callflow).callback_words
    return digits.strip() == "1" or bool(words.search(speech or ""))


def wants_message(callflow: Callflow, digits: str, speech: str) -> bool:
    """Return True when the caller pressed 2 or asked to leave a message."""
    words = phrases_for(callflow).message_words
    return digits.strip() == "2" or bool(words.search(speech or ""))


def _offer(
    callflow: Callflow, text: str, purpose: Literal["queue", "closed"], entry_id: int | None = None
) -> Offer:
    spoken = say(callflow, text)
    hints = phrases_for(callflow).offer_hints
    return Offer(spoken.text, spoken.voice, spoken.language, purpose, entry_id, hints)


def queue_name(callflow: Callflow, team: str) -> str:
    """Return the provider's queue name for a line's team (64 characters at most)."""
    return f"{callflow.name}:{team}"[:64]


def queued_plan(callflow: Callflow, team: str, entry_id: int) -> Plan:
    """Tell the caller everyone is busy, then put them in line."""
    text = phrases_for(callflow).queued.replace("{team}", callflow.team(team).display_name)
    steps = (say(callflow, text), Enqueue(queue_name(callflow, team), entry_id))
    return Plan(steps, reason="queued")


def wait_plan(callflow: Callflow, entry_id: int, place: int, wait_s: int | None) -> Plan:
    """Announce the caller's position and the honest wait, offer a callback, hold, repeat."""
    words = phrases_for(callflow)
    text = f"{words.place(place)} {words.wait(wait_s)} {words.callback_offer}"
    offer = _offer(callflow, text, "queue", entry_id)
    return Plan((offer, Hold(entry_id, HOLD_S)), reason="waiting")


def hold_plan(entry_id: int, seconds: int = 2) -> Plan:
    """Hold quietly while the caller is being connected."""
    return Plan((Hold(entry_id, seconds),), reason="connecting")


def leave_plan() -> Plan:
    """Take the caller out of the queue (the queue's action URL says what comes next)."""
    return Plan((Leave(),), reason="leave")


def connect_plan(callflow: Callflow, target: str, transfer_id: int) -> Plan:
    """Dial the agent who just became free, with the whisper."""
    text = phrases_for(callflow).connecting
    return Plan((say(callflow, text), Dial(target, transfer_id)), reason="dequeued")


def callback_confirmed(callflow: Callflow, number: str) -> Plan:
    """Confirm the callback and end the call politely."""
    digits = " ".join([c for c in number if c.isdigit()][-4:])
    text = phrases_for(callflow).callback_confirmed.replace("{digits}", digits)
    return Plan((say(callflow, text), Hangup()), reason="callback_requested")


def closed_plan(callflow: Callflow) -> Plan:
    """Say the opening hours and offer a callback or a voicemail (the default)."""
    text = phrases_for(callflow).closed.replace("{hours}", callflow.hours_week())
    steps = (_offer(callflow, text, "closed"), *voicemail_plan(callflow).steps)
    return Plan(steps, reason="closed")


def voicemail_plan(callflow: Callflow) -> Plan:
    """Ask for a message after the tone and record it."""
    text = phrases_for(callflow).voicemail
    return Plan((say(callflow, text), Voicemail()), reason="voicemail")


def voicemail_thanks(callflow: Callflow) -> Plan:
    """Thank the caller for their message and end the call."""
    text = phrases_for(callflow).voicemail_thanks
    return Plan((say(callflow, text), Hangup()), reason="voicemail_saved")
