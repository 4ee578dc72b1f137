"""What the floor needs from the telephony provider; telephony/rest.py implements it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from voice.flow.model import Callflow


class CallControlError(RuntimeError):
    """The provider refused or could not be reached; the message says which request."""


class DialOutcome(Enum):
    """How a dial to a person ended, in the service's words; telephony/ maps the provider's."""

    BRIDGED = "bridged"  # the person answered: caller and person were connected
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"  # the caller hung up while the person's phone rang


@dataclass(frozen=True)
class DialEnd:
    """A dial's end: its outcome, and the provider's own word for the record and timeline."""

    outcome: DialOutcome
    reported: str


@dataclass(frozen=True)
class CallState:
    """A call's state as the provider reports it: its word (kept on record) and whether it ended."""

    reported: str
    over: bool


class LineBook(Protocol):
    """The loaded lines by name (calls.lines.Lines): what the floor reads of each callflow."""

    @property
    def names(self) -> Sequence[str]:
        """Return the names of the loaded lines."""

    def by_name(self, name: str) -> Callflow:
        """Return a loaded line; raise CallflowNotFound when none has that name."""


class CallControl(Protocol):
    """Call control outside a webhook (Twilio's REST API)."""

    def bridge_waiting(self, call_sid: str, entry_id: int) -> None:
        """Take a queued call out of the queue to the TwiML that dials its offered agent."""

    def call_agent(self, to: str, from_: str, callback_id: int) -> str:
        """Ring an agent for a callback; return the new call's sid."""

    def call_status(self, call_sid: str) -> CallState | None:
        """Return the provider's state of a call (live or over); None if it has no such call.

        Raises CallControlError when the provider cannot be asked (unreachable, timed out).
        """


class SurveySender(Protocol):
    """Sends a customer the rating question after a call with a person (SMS or a short call)."""

    def sms(self, to: str, from_: str, body: str) -> str:
        """Text the question; the reply comes back on the signed /twilio/survey/sms webhook."""

    def voice(self, to: str, from_: str, call_id: int) -> str:
        """Call the customer to ask it; return the new call's sid."""
