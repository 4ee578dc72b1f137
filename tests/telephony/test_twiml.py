"""Neutral plans render to valid TwiML: <Connect action><Stream>, <Dial> with a whisper URL."""

import xml.etree.ElementTree as ET

from voice.calls.actions import Dial, Hangup, Listen, Plan, Say
from voice.telephony.twiml import Urls, render

URLS = Urls("https://voice.example.com", lambda stage, speech: f"tok-{stage}-{speech}")


def parse(plan):
    return ET.fromstring(render(plan, URLS))


def test_listen_opens_a_bidirectional_stream_with_a_signed_token_and_an_action_url():
    root = parse(Plan((Listen("greeting"),)))
    connect = root.find("Connect")
    assert connect.get("action") == "https://voice.example.com/twilio/voice/next?stage=greeting"
    stream = connect.find("Stream")
    assert stream.get("url") == "wss://voice.example.com/twilio/stream"
    assert stream.find("Parameter").attrib == {"name": "token", "value": "tok-greeting-vosk"}


def test_say_carries_the_callflow_voice_and_language():
    say = parse(Plan((Say("Hello", "Polly.Joanna", "en-US"),))).find("Say")
    assert say.text == "Hello"
    assert say.get("voice") == "Polly.Joanna" and say.get("language") == "en-US"


def test_a_transfer_dials_with_a_whisper_for_the_agent_and_a_result_callback():
    root = parse(Plan((Say("Connecting you."), Dial("+15005550101", transfer_id=7))))
    dial = root.find("Dial")
    assert dial.get("action") == "https://voice.example.com/twilio/dial?transfer=7"
    assert dial.get("answerOnBridge") == "true"
    number = dial.find("Number")
    assert number.text == "+15005550101"
    assert number.get("url") == "https://voice.example.com/twilio/whisper?transfer=7"


def test_sip_and_client_targets_use_their_own_nouns():
    sip = parse(Plan((Dial("sip:care@pbx.example.com", transfer_id=1),))).find("Dial/Sip")
    assert sip.text == "sip:care@pbx.example.com" and sip.get("url")
    client = parse(Plan((Dial("client:alice", transfer_id=2),))).find("Dial/Client")
    assert client.text == "alice" and client.get("url")


def test_a_fallback_dial_needs_no_callbacks_to_reach_a_person():
    dial = parse(Plan((Dial("+15005550199"),))).find("Dial")
    assert dial.find("Number").text == "+15005550199"
    assert dial.get("action") is None


def test_hangup_renders_after_goodbye():
    root = parse(Plan((Say("Goodbye."), Hangup())))
    assert [child.tag for child in root] == ["Say", "Hangup"]


def test_plans_survive_storage_as_json():
    plan = Plan(
        (Say("Hi", "v", "en-US"), Listen("followup", "text"), Dial("+1555", 3), Hangup()),
        reason="intent",
        notes={"decision": {"action": "answer"}},
    )
    assert Plan.from_json(plan.to_json()) == plan
