"""A stand-in for Twilio: signed webhooks, TwiML execution, media streams, status callbacks."""

from __future__ import annotations

import json
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from voice.sim.caller import Utter
from voice.sim.floor import CallerPlan, FloorSide
from voice.sim.media import MediaSession
from voice.telephony.signature import signature_for
from voice.telephony.urls import twilio_url
from voice.telephony.webhooks import SIM_PARAM


class WebhookFailed(RuntimeError):
    """The service answered a webhook with an error status."""


@dataclass
class Step:
    """One line of the simulated call's transcript."""

    kind: str  # say | stream | caller | decision | dial | whisper | dial_result | hangup | http
    text: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class CallReport:
    """Everything the simulated call did, for printing or --json."""

    call_sid: str
    steps: list[Step] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    twiml: list[str] = field(default_factory=list)
    # call time the simulator skips rather than waits through (a recorded message); Twilio's
    # CallDuration counts it
    skipped_s: float = 0.0

    def add(self, kind: str, text: str = "", **data: object) -> None:
        """Append a transcript line."""
        self.steps.append(Step(kind, text, dict(data)))

    def decisions(self) -> list[dict]:
        """Return the service's decisions in order."""
        return [s.data for s in self.steps if s.kind == "decision"]


class FakeTwilio:
    """Place calls against a voice service exactly as Twilio would (no Twilio account needed)."""

    def __init__(
        self,
        base_url: str,
        auth_token: str,
        *,
        fast: bool = False,
        agent: tuple[str, ...] = ("answer",),
        simulated_text: bool = False,
        caller: CallerPlan | None = None,
        route: Callable[[str], str] | None = None,
    ):
        self.base = base_url.rstrip("/")
        self.auth_token = auth_token
        self.fast, self.agent, self.simulated_text = fast, list(agent), simulated_text
        self.caller = caller or CallerPlan()
        # Where each request really goes. Twilio signs the public URL (a load balancer's); a
        # test of several instances can send a request straight to one of them, still signed
        # for the public URL. Default: the URL itself.
        self.route = route or (lambda url: url)

    def call(self, turns: list[Utter], caller: str, called: str) -> CallReport:
        """Place one call; `turns` are the caller's parts, one per listening turn."""
        sid = "CA" + secrets.token_hex(16)
        report = CallReport(sid)
        params = {
            "CallSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": caller,
            "To": called,
            "CallStatus": "ringing",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        if self.simulated_text:
            params[SIM_PARAM] = "text"
        started = self._answered = time.monotonic()
        try:
            twiml = self.post(twilio_url(self.base, "incoming_call"), params, report)
            self._answered = time.monotonic()
            self._run(twiml, params, list(turns), report)
        except WebhookFailed as exc:  # what a real caller would hear from Twilio
            report.add("error", f"{exc}: Twilio says 'an application error has occurred', hangs up")
        duration = int(time.monotonic() - started + report.skipped_s)
        status = {**params, "CallStatus": "completed", "CallDuration": str(duration)}
        try:
            self.post(twilio_url(self.base, "call_status"), status, report, expect_xml=False)
        except WebhookFailed as exc:  # Twilio logs a failed status callback and moves on
            report.add("error", f"status callback failed: {exc}")
        report.add("hangup", f"call ended after {duration} s")
        return report

    def post(self, url: str, params: dict, report: CallReport, expect_xml: bool = True) -> str:
        """POST form params with a valid X-Twilio-Signature; return the body."""
        signature = signature_for(self.auth_token, url, params)
        # a fresh connection per webhook, as Twilio does: a kept-alive one may have been closed
        # by the server while the media stream ran
        headers = {"X-Twilio-Signature": signature, "Connection": "close"}
        resp = requests.post(self.route(url), data=params, headers=headers, timeout=15)
        if resp.status_code >= 400:
            raise WebhookFailed(f"{url} answered {resp.status_code}")
        if decision := resp.headers.get("X-Voice-Decision"):
            data = json.loads(decision)
            report.add("decision", _decision_line(data), **data)
        if expect_xml:
            report.twiml.append(resp.text)
        return resp.text

    def _run(self, twiml: str, params: dict, turns: list[Utter], report: CallReport) -> None:
        said_before = False
        floor = FloorSide(self, self.caller)
        for verb in ET.fromstring(twiml):
            if verb.tag == "Say":
                report.add("say", verb.text or "", voice=verb.get("voice", ""))
                said_before = True
            elif verb.tag == "Connect":
                turn = turns.pop(0) if turns else Utter()
                self._stream(verb, params, turn, report, expect_prompt=not said_before)
                return self._run(
                    self.post(verb.get("action"), params, report), params, turns, report
                )
            elif verb.tag == "Dial":
                return self._dial(verb, params, turns, report)
            elif verb.tag == "Hangup":
                return None
            elif verb.tag in ("Enqueue", "Gather", "Record") and (
                reply := self._floor_verb(floor, verb, params, report)
            ):
                return self._run(reply, params, turns, report)
        return None

    def _floor_verb(
        self, floor: FloorSide, verb: ET.Element, params: dict, report: CallReport
    ) -> str | None:
        """Play the caller through a queue, an offer or a voicemail; return the next TwiML."""
        if verb.tag == "Gather":
            return floor.offer(verb, params, report)
        if verb.tag == "Record":
            return floor.record(verb, params, report)
        outcome, value = floor.queue(verb, params, report)
        if outcome == "redirect":  # Twilio fetches the URL our REST request named
            return self.post(value, params, report)
        result = {**params, "QueueResult": value}
        return self.post(verb.get("action"), result, report) if verb.get("action") else None

    def _stream(
        self,
        connect: ET.Element,
        params: dict,
        turn: Utter,
        report: CallReport,
        expect_prompt: bool,
    ) -> None:
        stream = connect.find("Stream")
        url = stream.get("url")
        custom = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
        headers = {"X-Twilio-Signature": signature_for(self.auth_token, url, {})}
        sid, fast = params["CallSid"], self.fast
        session = MediaSession(self.route(url), headers, sid, custom, fast, expect_prompt)
        log = session.run(turn)
        if log.prompt_ms:
            cut = " (caller talked over it: playback cleared)" if log.cleared else ""
            report.add("say", f"[greeting audio, {log.prompt_ms} ms, over the stream]{cut}")
        report.add("caller", turn.describe())
        if log.closed_wall and log.closed_by_service:
            if "answer_to_decision_ms" not in report.timings:
                report.timings["answer_to_decision_ms"] = 1000 * (log.closed_wall - self._answered)
            if log.speech_end_wall:
                key = "end_of_speech_to_decision_ms"
                report.timings.setdefault(key, 1000 * (log.closed_wall - log.speech_end_wall))

    def _dial(self, dial: ET.Element, params: dict, turns: list[Utter], report: CallReport) -> None:
        target = dial[0]
        report.add("dial", f"dialling {target.tag} {target.text}", target=target.text or "")
        outcome = self.agent.pop(0) if len(self.agent) > 1 else self.agent[0]
        status = {"answer": "completed", "no-answer": "no-answer", "busy": "busy"}[outcome]
        if status == "completed" and target.get("url"):
            leg = {
                **params,
                "CallSid": "CA" + secrets.token_hex(16),
                "ParentCallSid": params["CallSid"],
                "To": target.text or "",
                "Direction": "outbound-dial",
            }
            whisper = ET.fromstring(self.post(target.get("url"), leg, report))
            report.add("whisper", " ".join(s.text or "" for s in whisper.iter("Say")))
        report.add("dial_result", _DIALLED[outcome])  # printed after "agent:"
        if action := dial.get("action"):
            result = {
                **params,
                "DialCallStatus": status,
                "DialCallDuration": "30" if status == "completed" else "0",
            }
            return self._run(self.post(action, result, report), params, turns, report)
        return None


_DIALLED = {"answer": "answered", "no-answer": "did not answer", "busy": "busy"}


def _decision_line(data: dict) -> str:
    what = data.get("intent") or data.get("team") or ""
    return f"{data.get('action')} ({data.get('reason')}{', ' + what if what else ''})"
