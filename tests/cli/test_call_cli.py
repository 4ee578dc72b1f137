"""`voice call` prints the conversation, the decision, the TwiML and the timings."""

import json

from click.testing import CliRunner

from voice.cli import main

from conftest import ROOT


def run(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CALLFLOWS_DIR", str(ROOT / "callflows"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'voice.db'}")
    for name in ("PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "VOSK_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner().invoke(main, ["call", "--fast", *args], catch_exceptions=False)


def test_voice_call_text_prints_the_answer_and_timings(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, "--text", "what are your hours", "--twiml")
    assert result.exit_code == 0, result.output
    assert "decision: answer (intent, store_hours)" in result.output
    assert "<Connect action=" in result.output  # the TwiML
    assert "end of speech to decision ms" in result.output


def test_voice_call_json_has_decisions_twiml_and_timings(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, "--text", "agent", "--json")
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["decisions"][0]["reason"] == "asked_for_human"
    assert any("<Dial" in doc for doc in data["twiml"])
    assert {"answer_to_decision_ms", "end_of_speech_to_decision_ms"} <= set(data["timings"])


def test_voice_call_refuses_two_kinds_of_input(tmp_path, monkeypatch):
    result = CliRunner().invoke(main, ["call", "--text", "hi", "--dtmf", "0"])
    assert result.exit_code == 2
    assert "give one of --text, --wav or --dtmf" in result.output
