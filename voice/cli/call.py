"""`voice call`: place a simulated call exactly as Twilio would."""

from __future__ import annotations

import logging
from contextlib import nullcontext

import click
import requests

from voice.cli import fail, require_callflow
from voice.sim.caller import Utter, from_wav
from voice.sim.floor import CallerPlan
from voice.sim.report import print_report, report_json
from voice.sim.twilio import FakeTwilio


@click.command("call")
@click.option(
    "--url", default=None, help="A running service's public base URL (default: in-process)."
)
@click.option(
    "--text", "text", default=None, help="What the caller says, standing in for the recognizer."
)
@click.option(
    "--wav",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="What the caller says, as audio (any WAV).",
)
@click.option("--dtmf", default=None, help="A key the caller presses instead of speaking.")
@click.option(
    "--then",
    "then",
    default=None,
    help="The caller's reply to 'anything else?' (text). Default: silence.",
)
@click.option(
    "--barge-in",
    type=int,
    default=None,
    help="Start speaking this many ms into the call (over the greeting).",
)
@click.option("--confidence", type=float, default=1.0, help="Recognition confidence for --text.")
@click.option("--from", "caller", default="+15555550100", show_default=True)
@click.option("--to", "called", default="+15555550000", show_default=True)
@click.option(
    "--agent",
    default="answer",
    show_default=True,
    help="How agents respond: answer, no-answer, busy (comma list for successive dials).",
)
@click.option(
    "--callback",
    is_flag=True,
    help="When offered (in line, or after hours), say 'call me back'.",
)
@click.option(
    "--voicemail", default="", help="After hours, leave this message (press 2) and its transcript."
)
@click.option(
    "--hold",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds the caller holds in line before hanging up.",
)
@click.option(
    "--fast", is_flag=True, help="Stream audio as fast as possible instead of in real time."
)
@click.option(
    "--auth-token",
    envvar="TWILIO_AUTH_TOKEN",
    default=None,
    help="Token to sign with (default: the service's).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--twiml", is_flag=True, help="Also print each TwiML document.")
def call(
    url: str | None,
    text: str | None,
    wav: str | None,
    dtmf: str | None,
    then: str | None,
    barge_in: int | None,
    confidence: float,
    caller: str,
    called: str,
    agent: str,
    callback: bool,
    voicemail: str,
    hold: float,
    fast: bool,
    auth_token: str | None,
    as_json: bool,
    twiml: bool,
) -> None:
    """Place a simulated call: signed webhooks, a real media WebSocket, status callbacks."""
    from voice.settings import Settings

    if sum(x is not None for x in (text, wav, dtmf)) > 1:
        raise click.UsageError("give one of --text, --wav or --dtmf")
    settings = Settings()
    first = _first_turn(text, wav, dtmf, barge_in, confidence)
    turns = [first, Utter(text=then) if then is not None else Utter()]
    token = auth_token or settings.dev_secrets()["twilio_auth_token"]
    with _service(url, settings) as base:
        twilio = FakeTwilio(
            base,
            token,
            fast=fast,
            agent=tuple(agent.split(",")),
            # only real audio needs the real recognizer; text and keys stand in for it
            simulated_text=wav is None or then is not None,
            caller=CallerPlan(callback=callback, voicemail=voicemail, queue_wait_s=hold),
        )
        try:
            report = twilio.call(turns, caller, called)
        except requests.ConnectionError as exc:
            fail(f"nothing answers at {base} ({_reason(exc)}). Fix: start `voice serve`, or "
                 "correct --url")  # fmt: skip
        except requests.Timeout:
            fail(f"{base} did not answer in time. Fix: check that the service there is running")
    click.echo(report_json(report)) if as_json else print_report(report, twiml)
    if failed := [s.text for s in report.steps if s.kind == "error"]:
        fail(_failure(failed[0]))


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for known in ("Connection refused", "Name or service not known", "No route to host"):
        if known in text:
            return known.lower()
    return "cannot connect"


def _failure(error: str) -> str:
    """Return one line for the first thing that went wrong in a call, and the fix."""
    if " answered 403" in error:
        return (
            "the service refused the call's webhook (403): its signature did not match. Fix: "
            "sign with the server's TWILIO_AUTH_TOKEN (run `voice call` with the server's "
            "settings, or --auth-token), and give --url as the server's PUBLIC_BASE_URL"
        )
    return f"the call failed: {error}"


def _first_turn(
    text: str | None, wav: str | None, dtmf: str | None, barge_in: int | None, confidence: float
) -> Utter:
    if wav:
        return from_wav(wav, at_ms=barge_in)
    return Utter(text=text, dtmf=dtmf, at_ms=barge_in, confidence=confidence)


def _service(url: str | None, settings: object):  # noqa: ANN202 - a context manager
    if url:
        return nullcontext(url)
    from voice.app import create_app
    from voice.sim.server import serve
    from voice.store.db import Database

    require_callflow(settings)  # else every call would only reach a person
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the call report is the output
    Database(settings.effective_database_url, var_dir=settings.var_dir).upgrade()
    # in-process, Twilio reaches us on loopback: sign against that URL, not PUBLIC_BASE_URL;
    # and no real Twilio could follow a REST redirect to loopback, so the simulator does
    local = {"public_base_url": "", "twilio_rest": "fake"}
    return serve(create_app(settings.model_copy(update=local)))


def register(group: click.Group) -> None:
    """Add `voice call` to the CLI."""
    group.add_command(call)
