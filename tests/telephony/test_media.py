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
