"""What the floor needs from the telephony provider; telephony/rest.py implements it."""

from __future__ import annotations

from typing import Protocol


class CallControlError(RuntimeError):
    """The provider refused or could not be reached; the message says which request."""


# Twilio's call statuses that mean the call is over; any other status is a live call.
CALL_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


class CallControl(Protocol):
    """Call control outside a webhook (Twilio's REST API)."""

    def bridge_waiting(self, call_sid: str, entry_id: int) -> None:
        """Take a queued call out of the queue to the TwiML that dials its offered agent."""

    def call_agent(self, to: str, from_: str, callback_id: int) -> str:
        """Ring an agent for a callback; return the new call's sid."""

    def call_status(self, call_sid: str) -> str | None:
        """Return Twilio's status of a call (completed, in-progress, …); None if it has none.

        Raises CallControlError when the provider cannot be asked (unreachable, timed out).
        """


class SurveySender(Protocol):
    """Sends a customer the rating question after a call with a person (SMS or a short call)."""

    def sms(self, to: str, from_: str, body: str) -> str:
        """Text the question; the reply comes back on the signed /twilio/survey/sms webhook."""

    def voice(self, to: str, from_: str, call_id: int) -> str:
        """Call the customer to ask it; return the new call's sid."""
