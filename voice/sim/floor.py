"""The simulator's side of the floor: waiting in a queue, offers, voicemail, REST redirects.

Twilio would move a queued call by a REST request (`calls(sid).update(url=…)`). The service
records those when TWILIO_REST=fake and hands them over on the signed `/twilio/sim/rest`
endpoint; here we poll it during the wait loop's pauses, exactly where Twilio would act.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from voice.telephony.urls import twilio_url

POLL_S = 0.2
RECORDING_S = 8  # how long a simulated voicemail lasts


@dataclass
class CallerPlan:
    """What the simulated caller does when offered a choice or kept waiting."""

    callback: bool = False  # say "call me back" when offered (in line or after hours)
    voicemail: str = ""  # after hours: leave this message (pressing 2)
    queue_wait_s: float = 60.0  # how long they hold before hanging up
    rating: str = ""  # asked to rate the call: press this key ("" stays silent)


class FloorSide:
    """Follow <Enqueue>, <Gather> offers and <Record> the way Twilio and a caller would."""

    def __init__(self, twilio: object, plan: CallerPlan):
        self.twilio, self.plan = twilio, plan
        self.rest_visible = True

    def queue(self, enqueue: ET.Element, params: dict, report: object) -> tuple[str, str]:
        """Wait in line; return ("redirect", url) or ("left", QueueResult)."""
        report.add("queue", f"in line ({enqueue.text})")
        started = time.monotonic()
        url = enqueue.get("waitUrl")
        while time.monotonic() - started < self.plan.queue_wait_s:
            waited = str(int(time.monotonic() - started))
            doc = self.twilio.post(url, {**params, "QueueTime": waited}, report)
            outcome, value = self._wait_doc(ET.fromstring(doc), params, report, started)
            if outcome in ("redirect", "leave"):
                return (outcome, value) if outcome == "redirect" else ("left", "leave")
            url = value or url
        report.add("caller", f"hung up after holding {int(time.monotonic() - started)} s")
        return "left", "hangup"

    def _wait_doc(
        self, doc: ET.Element, params: dict, report: object, started: float
    ) -> tuple[str, str]:
        for verb in doc:
            if verb.tag == "Say":
                report.add("say", verb.text or "")
            elif verb.tag == "Gather":
                answer = self.offer(verb, params, report)
                if answer is not None:
                    return self._wait_doc(ET.fromstring(answer), params, report, started)
            elif verb.tag == "Pause":
                if url := self._poll(params, report, float(verb.get("length", "1")), started):
                    return "redirect", url
            elif verb.tag == "Leave":
                return "leave", ""
            elif verb.tag == "Redirect":
                return "loop", verb.text or ""
            elif verb.tag == "Hangup":
                return "leave", ""
        return "loop", ""

    def offer(self, gather: ET.Element, params: dict, report: object) -> str | None:
        """Hear an offer; answer it if the caller means to, returning the service's reply."""
        for say in gather.iter("Say"):
            report.add("say", say.text or "")
        if "/survey/" in gather.get("action", ""):
            if not self.plan.rating:
                return None
            report.add("caller", f"presses {self.plan.rating} (rating)")
            return self.twilio.post(
                gather.get("action"), {**params, "Digits": self.plan.rating}, report
            )
        if self.plan.callback:
            report.add("caller", 'says "call me back"')
            self.plan.callback = False  # asked once
            answer = {**params, "SpeechResult": "call me back", "Confidence": "0.9"}
            return self.twilio.post(gather.get("action"), answer, report)
        if self.plan.voicemail and "queue" not in gather.get("action", ""):
            report.add("caller", "presses 2 (leave a message)")
            return self.twilio.post(gather.get("action"), {**params, "Digits": "2"}, report)
        return None

    def record(self, record: ET.Element, params: dict, report: object) -> str:
        """Leave the planned voicemail (or silence) and post the recording and its transcript."""
        sid = params["CallSid"]
        url = f"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE{sid[2:]}"
        report.add("caller", f"leaves a message: {self.plan.voicemail or '(silence)'}")
        done = {**params, "RecordingUrl": url, "RecordingDuration": str(RECORDING_S)}
        report.skipped_s += RECORDING_S  # the message is not played out in real time
        reply = self.twilio.post(record.get("action"), done, report)
        if self.plan.voicemail and record.get("transcribeCallback"):
            text = {**params, "TranscriptionText": self.plan.voicemail,
                    "TranscriptionStatus": "completed", "RecordingUrl": url}  # fmt: skip
            self.twilio.post(record.get("transcribeCallback"), text, report, expect_xml=False)
        return reply

    def _poll(self, params: dict, report: object, seconds: float, started: float) -> str:
        """Wait up to `seconds` for the service's REST redirect of this call."""
        end = min(time.monotonic() + seconds, started + self.plan.queue_wait_s)
        while time.monotonic() < end:
            if self.rest_visible:
                for request in self._rest(params, report):
                    if request["kind"] == "update":
                        report.add("rest", f"service redirected the call to {request['url']}")
                        return request["url"]
            time.sleep(POLL_S)
        return ""

    def _rest(self, params: dict, report: object) -> list[dict]:
        from voice.sim.twilio import WebhookFailed

        url = twilio_url(self.twilio.base, "recorded_rest")
        try:
            body = self.twilio.post(url, {"CallSid": params["CallSid"]}, report, expect_xml=False)
        except WebhookFailed:
            self.rest_visible = False
            why = "the service sends REST requests to Twilio (TWILIO_REST is not fake)"
            report.add("error", f"{why}: the simulator cannot see them, so this caller just waits")
            return []
        return json.loads(body)
