"""Every URL we hand Twilio is built from the webhooks' routes and reaches the view it names."""

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from voice.calls.actions import Dial, Enqueue, Hold, Listen, Offer, Plan, Survey, Voicemail
from voice.telephony.rest import bridge_url, callback_urls
from voice.telephony.survey import survey_call_url
from voice.telephony.twiml import Urls, render

BASE = "https://voice.example.com"
URLS = Urls(BASE, lambda stage, speech: "token")


def twiml_urls(*steps):
    """Return every URL attribute (and <Redirect> body) in the TwiML of `steps`, by tag.attr."""
    found = {}
    for element in ET.fromstring(render(Plan(steps), URLS)).iter():
        for name, value in element.attrib.items():
            if "://" in value:
                found[f"{element.tag}.{name}"] = value
        if element.tag == "Redirect":
            found["Redirect"] = element.text
    return found


# (what built it, the URL, the view it must reach, its query)
BUILT = [
    ("enqueue wait", twiml_urls(Enqueue("acme:general", 5))["Enqueue.waitUrl"], "queue_wait",
     {"entry": "5"}),
    ("enqueue done", twiml_urls(Enqueue("acme:general", 5))["Enqueue.action"], "queue_done",
     {"entry": "5"}),
    ("hold", twiml_urls(Hold(5, 2))["Redirect"], "queue_wait", {"entry": "5"}),
    ("queue offer", twiml_urls(Offer("…", purpose="queue", entry_id=5))["Gather.action"],
     "queue_choice", {"entry": "5"}),
    ("closed offer", twiml_urls(Offer("…", purpose="closed"))["Gather.action"], "closed_choice",
     {}),
    ("survey at the end", twiml_urls(Survey("…"))["Gather.action"], "survey_voice", {}),
    ("survey call", twiml_urls(Survey("…", call_id=9))["Gather.action"], "survey_voice",
     {"call": "9"}),
    ("voicemail", twiml_urls(Voicemail())["Record.action"], "voicemail", {"event": "done"}),
    ("transcript", twiml_urls(Voicemail())["Record.transcribeCallback"], "voicemail",
     {"event": "transcript"}),
    ("recording", twiml_urls(Voicemail())["Record.recordingStatusCallback"], "voicemail",
     {"event": "recording"}),
    ("listen", twiml_urls(Listen("followup"))["Connect.action"], "after_stream",
     {"stage": "followup"}),
    ("media stream", twiml_urls(Listen("followup"))["Stream.url"], "media_stream", {}),
    ("dial", twiml_urls(Dial("+15125550101", 3))["Dial.action"], "dial_result",
     {"transfer": "3"}),
    ("whisper", twiml_urls(Dial("+15125550101", 3))["Number.url"], "whisper", {"transfer": "3"}),
    ("callback leg", twiml_urls(Dial("+15125550101", callback_id=4))["Dial.action"],
     "callback_dialed", {"callback": "4"}),
    ("bridge", bridge_url(BASE, 6), "queue_connect", {"entry": "6"}),
    ("callback agent", callback_urls(BASE, 4)[0], "callback_agent", {"callback": "4"}),
    ("callback status", callback_urls(BASE, 4)[1], "callback_status", {"callback": "4"}),
    ("survey sent", survey_call_url(BASE, 9), "survey_voice", {"call": "9"}),
]  # fmt: skip


@pytest.mark.parametrize(("what", "url", "view", "query"), BUILT, ids=[b[0] for b in BUILT])
def test_each_url_given_to_twilio_resolves_to_its_route(app, what, url, view, query):
    parts = urlsplit(url)
    websocket = parts.scheme == "wss"
    assert parts.netloc == "voice.example.com" and parts.scheme == ("wss" if websocket else "https")
    routes = app.url_map.bind(parts.netloc, url_scheme=parts.scheme)
    endpoint, args = routes.match(parts.path, method="GET" if websocket else "POST")
    assert (endpoint, args) == (f"twilio.{view}", {})
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == query


def test_every_twilio_route_twilio_is_told_about_is_built_somewhere(app):
    callbacks = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("twilio.")}
    # Twilio finds these in its console (voice, status, SMS), or only the simulator calls them
    configured = {"twilio.incoming_call", "twilio.call_status", "twilio.survey_sms",
                  "twilio.recorded_rest"}  # fmt: skip
    assert callbacks - configured == {f"twilio.{b[2]}" for b in BUILT}
