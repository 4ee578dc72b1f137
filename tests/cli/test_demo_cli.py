"""`voice demo reset` and `voice demo calls`: a demo that works again, at any hour."""

import secrets

import pytest
import sqlalchemy as sa
from floor_support import set_open

from voice.store.models import Agent, Call, Turn
from voice.store.models import Decision as DecisionRow

from conftest import ROOT

PASSWORD = "a long password nobody guesses"


@pytest.fixture
def demo(tmp_path, monkeypatch, database_url, db):
    """Run `voice demo …` on the test database, as an operator types it."""
    from click.testing import CliRunner

    from voice.cli import main

    monkeypatch.chdir(tmp_path)
    env = {
        "HOME": str(tmp_path / "home"),
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url,
        "CALLFLOWS_DIR": str(ROOT / "callflows"),
        "MODELS_DIR": str(tmp_path / "models"),
        "VOSK_MODEL_PATH": "",
        "HOUSEKEEPING": "false",
    }

    def run(*args: str, answer: str | None = None):
        return CliRunner().invoke(main, list(args), env=env, input=answer)

    return run


def add_call(db, speech, number="+15555550100"):
    with db.session() as s:
        sid = "CA" + secrets.token_hex(16)
        call = Call(sid=sid, from_number=number, to_number="+15005550100",
                    callflow="acme-outfitters", speech=speech)  # fmt: skip
        s.add(call)
        s.flush()
        turn = Turn(call_id=call.id, stage="greeting", transcript="agent", source=speech)
        s.add(turn)
        s.flush()
        s.add(DecisionRow(call_id=call.id, turn_id=turn.id, action="transfer",
                          reason="asked_for_human", team="general"))  # fmt: skip
        return call.id


def counts(db):
    with db.session() as s:
        rows = s.execute(sa.select(Call.demo, Call.speech, sa.func.count()).group_by(
            Call.demo, Call.speech)).all()  # fmt: skip
    return {(demo, speech): n for demo, speech, n in rows}


def test_demo_reset_asks_first_then_removes_simulated_calls_and_seeds_a_fresh_month(demo, db):
    assert demo("demo", "seed", "--days", "2").exit_code == 0
    simulated = add_call(db, "text")
    add_call(db, "vosk", number="+15125550199")  # a real phone's call
    with db.session() as s:
        s.add(Agent(name="Maria", address="client:maria", presence="on_call", call_id=simulated))
    before = counts(db)

    refused = demo("demo", "reset", "--days", "2", answer="n\n")
    assert refused.exit_code == 1 and "Remove 1 simulated calls" in refused.output
    assert counts(db) == before

    done = demo("demo", "reset", "--days", "2", "--yes")
    assert done.exit_code == 0, done.output
    assert "removed 1 simulated calls (freed 1 agents on them)" in done.output
    after = counts(db)
    assert (False, "text") not in after
    assert after[(False, "vosk")] == 1  # real calls stay
    assert after[(True, "vosk")] == before[(True, "vosk")]  # the same seeded month, anew
    with db.session() as s:
        maria = s.scalars(sa.select(Agent)).one()
    assert (maria.presence, maria.call_id) == ("available", None)


def test_demo_calls_say_how_each_call_ended_voicemail_too(demo, monkeypatch):
    set_open(monkeypatch, False)  # after hours: callers hear the hours, then leave a voicemail
    added = demo("agents", "add", "--login", "maria", "--name", "Maria Ruiz", "--address",
                 "client:maria", "--team", "security", "--team", "general", "--language", "en",
                 "--password", PASSWORD)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert demo("agents", "set", "maria", "--presence", "available").exit_code == 0
    result = demo("demo", "calls", "2", "--hold", "1")
    assert result.exit_code == 0, result.output
    endings = [line for line in result.output.splitlines() if line.startswith("CA")]
    assert len(endings) == 2
    assert all(line.rstrip().endswith("left a voicemail") for line in endings), endings
