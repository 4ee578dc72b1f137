"""Twilio's fields are checked at the boundary: what Twilio sends passes, nothing else does."""

import ast
from pathlib import Path

import pytest

from voice.routing.ports import CallState, DialEnd, DialOutcome
from voice.telephony import inputs
from voice.telephony.inputs import BadInput

SID = "CA" + "0123456789abcdef" * 2


def test_a_twilio_call_sid_passes_and_anything_else_is_refused():
    assert inputs.call_sid({"CallSid": SID}) == SID
    assert inputs.call_sid({"CallSid": "CA" + SID[2:].upper()})  # hex in either case
    for odd in ("", "CA1", SID + "0", "XX" + SID[2:], SID[:-1] + "g", SID + "\x00", "ca" + SID[2:]):
        with pytest.raises(BadInput):
            inputs.call_sid({"CallSid": odd})
    with pytest.raises(BadInput, match="CallSid: missing"):
        inputs.call_sid({})
    assert inputs.sid_or_blank({"CallSid": "CA1"}) == "" and inputs.sid_or_blank({}) == ""


@pytest.mark.parametrize("status", sorted(inputs.CALL_STATUSES))
def test_every_documented_call_status_passes(status):
    assert inputs.choice({"CallStatus": status}, "CallStatus", inputs.CALL_STATUSES) == status


@pytest.mark.parametrize("odd", ["", "Completed", "done", "completed\x00", "x" * 300])
def test_an_undocumented_status_is_refused(odd):
    with pytest.raises(BadInput):
        inputs.choice({"CallStatus": odd}, "CallStatus", inputs.CALL_STATUSES)


def test_a_missing_dial_status_takes_its_default():
    assert inputs.choice({}, "DialCallStatus", inputs.DIAL_STATUSES, default="failed") == "failed"


@pytest.mark.parametrize(("raw", "seconds"), [("0", 0), ("42", 42), ("86400", 86400), ("", None)])
def test_durations_are_whole_non_negative_seconds(raw, seconds):
    assert inputs.seconds({"CallDuration": raw}, "CallDuration") == seconds


@pytest.mark.parametrize("odd", ["-1", "3.5", " 7 ", "+5", "1_000", "٣", "1e9", "86401", "9" * 40])
def test_odd_durations_are_refused(odd):
    with pytest.raises(BadInput):
        inputs.seconds({"CallDuration": odd}, "CallDuration")


@pytest.mark.parametrize("odd", ["0", "-1", "abc", "", "2147483648", "9" * 30, "0x10", "1\x00"])
def test_query_ids_are_positive_32_bit_integers(odd):
    with pytest.raises(BadInput):
        inputs.row_id({"transfer": odd}, "transfer")
    assert inputs.row_id({"transfer": "2147483647"}, "transfer") == 2**31 - 1
    assert inputs.optional_row_id({}, "call") is None


@pytest.mark.parametrize(
    "address",
    [
        "+15555550100",
        "",
        "Anonymous",
        "client:alice",
        "sip:someone@example.com;transport=tls",
        "sip:" + "a" * 200 + "@example.com;transport=tls",
    ],  # fmt: skip
)
def test_numbers_clients_and_long_sip_uris_are_accepted(address):
    assert inputs.address({"From": address}, "From") == address


@pytest.mark.parametrize("odd", ["sip:" + "a" * 300, "+1555\x00", "+1 555 0100", "a\nb"])
def test_over_long_or_spaced_or_control_addresses_are_refused(odd):
    with pytest.raises(BadInput):
        inputs.address({"From": odd}, "From")


def test_a_persons_words_are_kept_cleaned_and_bounded_never_refused():
    assert inputs.words({"T": "hello\x00 there\x1b"}, "T") == "hello there"
    assert inputs.words({"T": "line one\nline two\t!"}, "T") == "line one\nline two\t!"
    assert len(inputs.words({"T": "x" * 10_000}, "T")) == inputs.WORDS_MAX
    assert inputs.words({}, "T") == ""


def test_only_keys_a_phone_can_press_are_digits():
    assert inputs.digits({"Digits": "0123456789*#"}) == "0123456789*#"
    for odd in ("a", "1 2", "1" * 33, "\x00"):
        with pytest.raises(BadInput):
            inputs.digits({"Digits": odd})


def test_recording_urls_must_be_https():
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    assert inputs.https_url({"RecordingUrl": url}, "RecordingUrl") == url
    assert inputs.https_url({}, "RecordingUrl") == ""
    for odd in ("http://example.com/r", "javascript:alert(1)", "https://", "https://a b",
                "https://x/" + "a" * 600, "ftp://x/r", "https://[::1"):  # fmt: skip
        with pytest.raises(BadInput):
            inputs.https_url({"RecordingUrl": odd}, "RecordingUrl")


@pytest.mark.parametrize(
    ("said", "outcome"),
    [
        ("completed", DialOutcome.BRIDGED),
        ("answered", DialOutcome.BRIDGED),
        ("no-answer", DialOutcome.NO_ANSWER),
        ("busy", DialOutcome.BUSY),
        ("failed", DialOutcome.FAILED),
        ("canceled", DialOutcome.CANCELED),
    ],
)
def test_twilios_dial_status_becomes_the_services_outcome_and_keeps_its_word(said, outcome):
    assert inputs.dial_end({"DialCallStatus": said}) == DialEnd(outcome, said)


def test_a_dial_without_a_status_counts_as_failed_and_an_odd_one_is_refused():
    assert inputs.dial_end({}).outcome is DialOutcome.FAILED  # so a person is still tried
    with pytest.raises(BadInput, match="DialCallStatus"):
        inputs.dial_end({"DialCallStatus": "bridged"})


def test_only_final_call_statuses_say_the_call_is_over():
    over = {s for s in inputs.CALL_STATUSES if inputs.call_state(s).over}
    assert over == {"completed", "busy", "failed", "no-answer", "canceled"}
    assert inputs.call_state("ringing") == CallState("ringing", over=False)


@pytest.mark.parametrize("part", ["flow", "calls", "routing"])
def test_twilios_status_words_are_read_only_in_telephony(part):
    root = Path(__file__).resolve().parents[2] / "voice" / part
    words = {"no-answer", "in-progress"}  # Twilio's spellings; none of ours is hyphenated
    found = {
        (path.name, node.value)
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in words
    }
    assert found == set()
