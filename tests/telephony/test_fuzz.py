"""5,000 signed, fuzzed Twilio webhooks over every route: not one answers with a 5xx.

Every request carries a real X-Twilio-Signature (Twilio's own RequestValidator), so it passes
the 403 check and reaches the route. Calls are first put in real states through the same
webhooks: greeting, dialling an agent, waiting in line, asking for a callback, finished.
The run is seeded, so a failure replays exactly.
"""

from __future__ import annotations

import random
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import got_request_exception, request
from floor_support import add_agents, set_open

from voice.store.models import Call, Callback, QueueEntry, Transfer

from conftest import ROOT, sign
from tests_support import DEMO_LINE, incoming_params

REQUESTS = 5_000
SEED = 11

# field kinds: how a fuzzed value for the field is made (see Fuzzer.value)
STANDARD = {
    "CallSid": "sid",
    "AccountSid": "account",
    "From": "address",
    "To": "address",
    "CallStatus": "call_status",
    "Direction": "word",
}
# every Twilio route: path, its query args (name -> kind), its own form fields (name -> kind)
ROUTES: list[tuple[str, dict[str, str], dict[str, str]]] = [
    ("/twilio/voice", {}, {"VoiceSimulatedSpeech": "word"}),
    ("/twilio/voice/next", {"stage": "stage"}, {}),
    (
        "/twilio/dial",
        {"transfer": "transfer"},
        {"DialCallStatus": "dial_status", "DialCallDuration": "int"},
    ),
    ("/twilio/whisper", {"transfer": "transfer"}, {"ParentCallSid": "sid"}),
    ("/twilio/status", {}, {"CallDuration": "int"}),
    ("/twilio/queue/wait", {"entry": "entry"}, {"QueuePosition": "int", "QueueTime": "int"}),
    ("/twilio/queue/choice", {"entry": "entry"}, {"Digits": "digits", "SpeechResult": "text"}),
    ("/twilio/queue/done", {"entry": "entry"}, {"QueueResult": "queue_result", "QueueTime": "int"}),
    ("/twilio/queue/connect", {"entry": "entry"}, {}),
    ("/twilio/closed/choice", {}, {"Digits": "digits", "SpeechResult": "text"}),
    (
        "/twilio/voicemail",
        {"event": "event"},
        {
            "RecordingUrl": "url",
            "RecordingDuration": "int",
            "RecordingStatus": "word",
            "TranscriptionText": "text",
            "TranscriptionStatus": "word",
        },
    ),
    ("/twilio/callback/agent", {"callback": "callback"}, {}),
    ("/twilio/callback/dialed", {"callback": "callback"}, {"DialCallStatus": "dial_status"}),
    ("/twilio/callback/status", {"callback": "callback"}, {}),
    ("/twilio/sim/rest", {}, {"Kind": "word"}),
    ("/twilio/survey/voice", {"call": "call"}, {"Digits": "digits", "SpeechResult": "text"}),
    ("/twilio/survey/sms", {}, {"Body": "text", "MessageSid": "account"}),
]
PLAUSIBLE = {
    "call_status": ["completed", "ringing", "in-progress", "busy", "no-answer", "failed"],
    "dial_status": ["completed", "answered", "busy", "no-answer", "failed", "canceled"],
    "queue_result": ["leave", "hangup", "bridged", "redirected", "error", "queue-full"],
    "stage": ["greeting", "followup"],
    "event": ["done", "recording", "transcript"],
    "digits": ["1", "2", "0", "5", ""],
    "text": ["call me back", "four", "agent please", ""],
    "url": ["https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1"],
    "int": ["0", "4", "30"],
    "word": ["text", "completed", "inbound", "failed", "redirect"],
    "account": ["AC" + "0" * 32],
    "address": ["+15555550100", DEMO_LINE, "sip:someone@example.com;transport=tls"],
}
ODD_INTS = ["-1", "0", "-2147483649", "2147483648", "9" * 30, "1e9", "3.5", " 7 ", "0x10",
            "٣", "1\x00", "", "NaN", "+5", "1_000"]  # fmt: skip
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "é" * 300,
    "😀" * 100,
    "x" * 5_000,
    "\u202e",
    "\u200b",
    "<Say>hi</Say>",
    "&amp;<>\"'",
    "' OR 1=1 --",
    "\r\n\t",
    "%00",
    "\x7f\x1b[2J",
]


_ANY = random.Random(SEED)
# code points to draw noise from: ASCII with controls, Latin-1, the BMP, every plane
ALPHABETS = [
    [chr(c) for c in range(0x80)],
    [chr(c) for c in range(0x100)],
    [chr(_ANY.choice([_ANY.randint(0, 0xD7FF), _ANY.randint(0xE000, 0xFFFF)])) for _ in range(512)],
    [
        chr(_ANY.choice([_ANY.randint(0, 0xD7FF), _ANY.randint(0xE000, 0x10FFFF)]))
        for _ in range(512)
    ],
]


class Fuzzer:
    """Make fuzzed forms and query strings from a seeded generator and the calls that exist."""

    def __init__(self, rng: random.Random, known: dict[str, list[str]]):
        self.rng, self.known = rng, known

    def value(self, kind: str) -> str:
        """Return a value for a field: usually odd, sometimes plausible or an existing id."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45 and (kind in self.known or kind in PLAUSIBLE):
            return rng.choice(self.known.get(kind) or PLAUSIBLE[kind])
        if roll < 0.6:
            return rng.choice(ODD_INTS)
        if roll < 0.8:
            return rng.choice(ODD_TEXT)
        return self.noise()

    def noise(self) -> str:
        """Return random text: printable, control, any plane (no lone surrogates), any length."""
        length = self.rng.choice([1, 5, 33, 34, 64, 65, 200, 257, 600])
        return "".join(self.rng.choices(self.rng.choice(ALPHABETS), k=length))

    def request(self) -> tuple[str, dict[str, str]]:
        """Return one fuzzed route with query string, and its form."""
        path, args, fields = self.rng.choice(ROUTES)
        query = {name: self.value(kind) for name, kind in args.items() if self.rng.random() > 0.1}
        if self.rng.random() < 0.05:
            query[self.noise()[:8]] = self.noise()[:8]
        form = {}
        for name, kind in {**STANDARD, **fields}.items():
            if self.rng.random() > 0.12:
                form[name] = self.value(kind)
        if self.rng.random() < 0.05:
            form[self.noise()[:12]] = self.noise()
        return (f"{path}?{urlencode(query)}" if query else path), form


@pytest.fixture
def floor_in_states(app, twilio_post, monkeypatch, db):
    """Put calls in real states through the webhooks; return the ids and sids that exist."""
    rt = app.extensions["voice"]
    set_open(monkeypatch)
    add_agents(rt.floor, 1)
    for n in range(4):  # no speech model: each asks for a person at once; one agent, then a line
        twilio_post("/twilio/voice", incoming_params(caller=f"+1555555010{n}"))
    for _ in range(2):  # a greeting, an open stream
        twilio_post("/twilio/voice", incoming_params(simulated=True))
    with db.session() as s:
        sid_of = dict(s.execute(sa.select(Call.id, Call.sid)).all())
        waiting = sa.select(QueueEntry.id, QueueEntry.call_id).where(QueueEntry.status == "waiting")
        entry_id, call_id = s.execute(waiting).first()
    asks = {**incoming_params(sid=sid_of[call_id]), "Digits": "1"}  # call me back
    twilio_post(f"/twilio/queue/choice?entry={entry_id}", asks)
    done = next(iter(sid_of.values()))
    twilio_post("/twilio/status", {**incoming_params(sid=done), "CallStatus": "completed"})
    with db.session() as s:
        transfers = [str(i) for i in s.scalars(sa.select(Transfer.id))]
        callbacks = [str(i) for i in s.scalars(sa.select(Callback.id))]
        queue = [str(i) for i in s.scalars(sa.select(QueueEntry.id))]
    assert transfers and callbacks and len(queue) >= 2, "the calls did not reach their states"
    unknown = "CA" + "e" * 32
    return {
        "sid": [*sid_of.values(), unknown],
        "transfer": [*transfers, "999999"],
        "entry": [*queue, "999999"],
        "callback": [*callbacks, "999999"],
        "call": [*(str(i) for i in sid_of), "999999"],
    }


def test_five_thousand_fuzzed_signed_webhooks_get_no_5xx(app, floor_in_states, db):
    client, fuzzer = app.test_client(), Fuzzer(random.Random(SEED), floor_in_states)
    faults: Counter[str] = Counter()

    def record(_sender, exception, **_extra):
        frame = traceback.extract_tb(exception.__traceback__)[-1]
        where = f"{request.path} {type(exception).__name__} at {frame.filename}:{frame.lineno}"
        faults[where.replace(str(ROOT), "")] += 1

    got_request_exception.connect(record, app)
    try:
        server_errors, unreadable, routes_seen = 0, Counter(), set()
        for _ in range(REQUESTS):
            path, form = fuzzer.request()
            signature = sign(f"http://localhost{path}", form)
            response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
            routes_seen.add(path.split("?")[0])
            if response.status_code >= 500:
                server_errors += 1
            elif response.status_code == 200 and response.mimetype == "text/xml":
                try:
                    ET.fromstring(response.data)  # TwiML that Twilio can read
                except ET.ParseError:
                    unreadable[path.split("?")[0]] += 1
    finally:
        got_request_exception.disconnect(record, app)
    assert routes_seen == {route for route, _args, _fields in ROUTES}
    assert not unreadable, f"TwiML Twilio cannot parse: {dict(unreadable)}"
    assert server_errors == 0, f"{server_errors} 5xx: " + "; ".join(
        f"{n} × {where}" for where, n in faults.most_common()
    )
