"""Outbound call control (Twilio's REST API) behind a small interface, with a recording fake.

The floor uses it for the two things TwiML cannot do: pull a waiting caller out of the queue
to an agent who just became free, and ring an agent first for a callback. `TWILIO_REST=fake`
records those requests instead of sending them, so the simulator can play Twilio's side.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from voice.routing.ports import CallControl, CallControlError, CallState
from voice.settings import Settings
from voice.telephony.inputs import call_state
from voice.telephony.urls import twilio_url

if TYPE_CHECKING:  # annotations only; the library loads when a client is made
    from twilio.rest import Client

log = logging.getLogger(__name__)
# TWILIO_REST_TIMEOUT_S's default: a REST request never holds a webhook or a click for longer
DEFAULT_TIMEOUT_S: float = Settings.model_fields["rest_timeout_s"].default


@dataclass(frozen=True, slots=True)
class RestRequest:
    """One request the fake recorded, as Twilio would have received it."""

    kind: str  # update | create (| fetch, only offered to `fail`)
    call_sid: str
    url: str
    to: str = ""
    from_: str = ""
    status_callback: str = ""


class PublicBase:
    """The https base Twilio reaches us on: PUBLIC_BASE_URL, else the last webhook's host."""

    def __init__(self, configured: str = ""):
        self.configured, self.seen = configured.rstrip("/"), ""

    def url(self) -> str:
        """Return the base URL for callbacks, with no trailing slash; '' if none is known yet."""
        return self.configured or self.seen

    def required(self) -> str:
        """Return the base URL, or raise: Twilio cannot fetch a URL without a host."""
        if not self.url():
            raise CallControlError(
                "PUBLIC_BASE_URL is not set and no Twilio request has reached this process; "
                "set PUBLIC_BASE_URL so REST requests can name our webhooks"
            )
        return self.url()

    def saw(self, host_url: str) -> None:
        """Remember the host a signed Twilio request arrived on (dev and the simulator)."""
        if not self.configured:
            self.seen = host_url.rstrip("/")


def bridge_url(base: str, entry_id: int) -> str:
    """Return the URL a dequeued caller fetches to be dialled to their agent."""
    return twilio_url(base, "queue_connect", entry=entry_id)


def callback_urls(base: str, callback_id: int) -> tuple[str, str]:
    """Return (answer URL, status callback URL) for a callback's agent leg."""
    return (
        twilio_url(base, "callback_agent", callback=callback_id),
        twilio_url(base, "callback_status", callback=callback_id),
    )


def twilio_client(account_sid: str, auth_token: str, timeout_s: float) -> Client:
    """Return a `twilio.rest.Client` whose every request gives up after `timeout_s` seconds."""
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    if timeout_s <= 0:
        raise ValueError(f"TWILIO_REST_TIMEOUT_S={timeout_s}: use a number of seconds above 0")
    return Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout_s))


def rest_errors() -> tuple[type[Exception], ...]:
    """Return what a REST request raises when Twilio refuses it or cannot be reached in time."""
    import requests
    from twilio.base.exceptions import TwilioException

    return (TwilioException, requests.RequestException)


class TwilioRest:
    """A `twilio.rest.Client` and our public base URL; each request bounded by `timeout_s`."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        base: PublicBase,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ):
        self.client, self.base = twilio_client(account_sid, auth_token, timeout_s), base


class TwilioCallControl(TwilioRest):
    """Call control through Twilio's REST API."""

    def bridge_waiting(self, call_sid: str, entry_id: int) -> None:
        """Redirect the queued call to its agent's <Dial>."""
        try:
            self.client.calls(call_sid).update(url=bridge_url(self.base.required(), entry_id))
        except rest_errors() as exc:
            raise CallControlError(f"redirect of {call_sid} failed: {exc}") from exc

    def call_agent(self, to: str, from_: str, callback_id: int) -> str:
        """Place the agent leg of a callback."""
        url, status = callback_urls(self.base.required(), callback_id)
        try:
            call = self.client.calls.create(
                to=to, from_=from_, url=url, status_callback=status, timeout=20
            )
        except rest_errors() as exc:
            raise CallControlError(f"callback call to {to} failed: {exc}") from exc
        return call.sid

    def call_status(self, call_sid: str) -> CallState | None:
        """Fetch the call's status from Twilio; None when Twilio has no such call (404)."""
        from twilio.base.exceptions import TwilioRestException

        try:
            return call_state(self.client.calls(call_sid).fetch().status)
        except TwilioRestException as exc:
            if exc.status == 404:
                return None
            raise CallControlError(f"status of {call_sid} failed: {exc}") from exc
        except rest_errors() as exc:
            raise CallControlError(f"status of {call_sid} failed: {exc}") from exc


class RecordingCallControl:
    """Record requests instead of sending them: the tests' fake and the simulator's Twilio."""

    def __init__(self, base: PublicBase):
        self.base = base
        self.requests: list[RestRequest] = []
        self._taken: set[int] = set()
        self._lock = threading.Lock()
        self.fail: Callable[[RestRequest], bool] = lambda _request: False
        self.statuses: dict[str, str] = {}  # what Twilio would say of a call: set_status
        self.fetched: list[str] = []  # the call sids whose status was asked for

    def bridge_waiting(self, call_sid: str, entry_id: int) -> None:
        """Record the redirect."""
        self._record(RestRequest("update", call_sid, bridge_url(self.base.url(), entry_id)))

    def call_agent(self, to: str, from_: str, callback_id: int) -> str:
        """Record the outbound call and return a made-up sid for it."""
        url, status = callback_urls(self.base.url(), callback_id)
        sid = "CA" + secrets.token_hex(16)
        self._record(RestRequest("create", sid, url, to, from_, status))
        return sid

    def call_status(self, call_sid: str) -> CallState | None:
        """Return the status a test or the simulator set for the call; None if it set none."""
        if self.fail(RestRequest("fetch", call_sid, "")):
            raise CallControlError(f"status of {call_sid} failed (test)")
        with self._lock:
            self.fetched.append(call_sid)
            status = self.statuses.get(call_sid)
            return None if status is None else call_state(status)

    def set_status(self, call_sid: str, status: str) -> None:
        """Say what Twilio knows of a call (in-progress, completed, …), as its REST API would."""
        with self._lock:
            self.statuses[call_sid] = status

    def take(self, call_sid: str = "", kind: str = "") -> list[RestRequest]:
        """Return requests not yet taken, for one call sid and/or kind, and mark them taken."""
        with self._lock:
            found = [
                (i, r)
                for i, r in enumerate(self.requests)
                if i not in self._taken
                and (not call_sid or r.call_sid == call_sid)
                and (not kind or r.kind == kind)
            ]
            self._taken.update(i for i, _ in found)
        return [r for _, r in found]

    def _record(self, request: RestRequest) -> None:
        if self.fail(request):
            raise CallControlError(f"{request.kind} {request.call_sid} failed (test)")
        with self._lock:
            self.requests.append(request)
        log.info(
            "REST (recorded, not sent): %s %s -> %s", request.kind, request.call_sid, request.url
        )


def uses_twilio(mode: str, account_sid: str) -> bool:
    """Return True when REST requests go to Twilio: TWILIO_REST=twilio, or unset with an account."""
    return mode == "twilio" or (not mode and bool(account_sid))


def make_call_control(
    mode: str,
    account_sid: str,
    auth_token: str,
    base: PublicBase,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> CallControl:
    """Return Twilio's REST client for mode 'twilio' (or '' with an account), else the fake."""
    if uses_twilio(mode, account_sid):
        return TwilioCallControl(account_sid, auth_token, base, timeout_s)
    return RecordingCallControl(base)
