"""The Media Streams serializer speaks Twilio's documented JSON and nothing else leaks past it."""

import base64
import json

import pytest

from voice.calls.events import Audio, Dtmf, PlaybackDone, StreamStarted, StreamStopped
from voice.speech.audio import pcm16_to_ulaw
from voice.telephony import media


def test_start_message_yields_call_stream_and_custom_parameters():
    event = media.parse(
        json.dumps(
            {
                "event": "start",
                "sequenceNumber": "1",
                "streamSid": "MZ1",
                "start": {
                    "streamSid": "MZ1",
                    "accountSid": "AC1",
                    "callSid": "CA1",
                    "tracks": ["inbound"],
                    "customParameters": {"token": "t"},
                    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                },
            }
        )
    )
    assert event == StreamStarted("CA1", "MZ1", {"token": "t"})


def test_media_message_is_decoded_from_mulaw_to_pcm_with_its_timestamp():
    pcm = b"".join(int(v).to_bytes(2, "little", signed=True) for v in (0, 1000, -1000, 8000) * 40)
    payload = base64.b64encode(pcm16_to_ulaw(pcm)).decode()
    event = media.parse(
        json.dumps(
            {
                "event": "media",
                "streamSid": "MZ1",
                "media": {"track": "inbound", "chunk": "3", "timestamp": "40", "payload": payload},
            }
        )
    )
    assert isinstance(event, Audio)
    assert event.at_ms == 40
    assert len(event.pcm16) == len(pcm)  # one byte of μ-law is one 16-bit sample


def test_outbound_track_audio_is_not_treated_as_the_caller():
    msg = {"event": "media", "media": {"track": "outbound", "timestamp": "0", "payload": ""}}
    assert media.parse(json.dumps(msg)) is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {"event": "dtmf", "streamSid": "MZ1", "dtmf": {"track": "inbound_track", "digit": "0"}},
            Dtmf("0"),
        ),
        ({"event": "mark", "streamSid": "MZ1", "mark": {"name": "prompt"}}, PlaybackDone("prompt")),
        ({"event": "stop", "streamSid": "MZ1", "stop": {"callSid": "CA1"}}, StreamStopped()),
        ({"event": "connected", "protocol": "Call", "version": "1.0.0"}, None),
    ],
)
def test_control_messages_map_to_neutral_events(message, expected):
    assert media.parse(json.dumps(message)) == expected


def test_garbage_is_a_protocol_error_not_a_crash():
    with pytest.raises(media.ProtocolError):
        media.parse("not json")
    with pytest.raises(media.ProtocolError):
        media.parse(json.dumps({"no": "event"}))


def test_outbound_messages_have_twilios_shape():
    assert json.loads(media.media_message("MZ1", b"\xff\x7f")) == {
        "event": "media",
        "streamSid": "MZ1",
        "media": {"payload": "/38="},
    }
    assert json.loads(media.mark_message("MZ1", "prompt")) == {
        "event": "mark",
        "streamSid": "MZ1",
        "mark": {"name": "prompt"},
    }
    assert json.loads(media.clear_message("MZ1")) == {"event": "clear", "streamSid": "MZ1"}


def _media(**media):
    return {"event": "media", "streamSid": "MZ1", "media": media}


FRAME = base64.b64encode(b"\xff" * 160).decode()
MALFORMED = {
    "not json": "not json",
    "invalid utf-8": b"\xff\xfe{",
    "a json list": "[1, 2]",
    "a json string": '"media"',
    "json null": "null",
    "a number": "42",
    "deeply nested": "[" * 100_000 + "]" * 100_000,
    "no event": {"no": "event"},
    "event not a string": {"event": ["media"]},
    "media without its object": {"event": "media"},
    "media object a string": {"event": "media", "media": "payload"},
    "media without payload": _media(track="inbound", timestamp="0"),
    "payload not a string": _media(payload=12345),
    "payload not base64": _media(payload="!!!not base64!!!"),
    "payload with bad padding": _media(payload="AAA"),
    "payload of a whole second": _media(payload=base64.b64encode(b"\xff" * 8000).decode()),
    "payload of sixteen megabytes": _media(payload="A" * 200_000),
    "negative timestamp": _media(payload=FRAME, timestamp="-20"),
    "timestamp not a number": _media(payload=FRAME, timestamp="soon"),
    "timestamp an object": _media(payload=FRAME, timestamp={"ms": 1}),
    "timestamp too large": _media(payload=FRAME, timestamp="9" * 5000),
    "start without its object": {"event": "start", "streamSid": "MZ1"},
    "start without callSid": {"event": "start", "streamSid": "MZ1", "start": {}},
    "start without streamSid": {"event": "start", "start": {"callSid": "CA1"}},
    "start callSid a number": {"event": "start", "streamSid": "MZ1", "start": {"callSid": 1}},
    "start parameters a list": {
        "event": "start",
        "streamSid": "MZ1",
        "start": {"callSid": "CA1", "customParameters": ["token"]},
    },
    "start parameter not a string": {
        "event": "start",
        "streamSid": "MZ1",
        "start": {"callSid": "CA1", "customParameters": {"token": {"x": 1}}},
    },
    "dtmf without its object": {"event": "dtmf"},
    "dtmf without a digit": {"event": "dtmf", "dtmf": {}},
    "dtmf digit not a key": {"event": "dtmf", "dtmf": {"digit": "A; DROP"}},
    "mark without a name": {"event": "mark", "mark": {}},
    "mark name an object": {"event": "mark", "mark": {"name": {"a": 1}}},
    "simulated speech without text": {"event": media.SIM_SPEECH},
    "simulated confidence a string": {"event": media.SIM_SPEECH, "text": "hi", "confidence": "x"},
    "simulated confidence above 1": {"event": media.SIM_SPEECH, "text": "hi", "confidence": 7},
}


@pytest.mark.parametrize("message", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_message_is_a_protocol_error_and_nothing_else(message):
    raw = message if isinstance(message, (str, bytes)) else json.dumps(message)
    with pytest.raises(media.ProtocolError):
        media.parse(raw)


def test_one_twenty_millisecond_frame_with_a_numeric_timestamp_is_accepted():
    event = media.parse(json.dumps(_media(track="inbound", payload=FRAME, timestamp=20)))
    assert isinstance(event, Audio) and event.at_ms == 20 and len(event.pcm16) == 320


def test_unknown_events_are_ignored_not_refused():
    assert media.parse(json.dumps({"event": "some-new-twilio-event", "x": 1})) is None
