"""`voice agents add/list/set/reconcile`, and `voice demo calls` placing several calls at once."""

import json

import pytest
from click.testing import CliRunner

from voice.cli import main

from conftest import ROOT


def run(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CALLFLOWS_DIR", str(ROOT / "callflows"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'voice.db'}")
    for name in ("PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "VOSK_MODEL_PATH", "TWILIO_REST"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


MARIA = ["--login", "maria", "--name", "Maria Ruiz", "--address", "+15125550101"]


@pytest.fixture(autouse=True)
def upgraded(tmp_path, monkeypatch):
    """Migrate the database first, as the README says (`voice db upgrade`)."""
    assert run(tmp_path, monkeypatch, "db", "upgrade").exit_code == 0


def test_agents_commands_leave_the_schema_alone_and_say_to_run_voice_db_upgrade(
    tmp_path, monkeypatch
):
    import sqlalchemy as sa

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for command in (["list"], ["add", *MARIA, "--team", "general", "--language", "en"]):
        result = run(fresh, monkeypatch, "agents", *command)
        assert result.exit_code == 1
        assert "has no tables yet" in result.output
        assert "run `voice db upgrade` first" in result.output
    engine = sa.create_engine(f"sqlite:///{fresh / 'voice.db'}")
    assert sa.inspect(engine).get_table_names() == []  # nothing migrated behind the operator
    engine.dispose()


def test_agents_add_list_and_set(tmp_path, monkeypatch):
    added = run(tmp_path, monkeypatch, "agents", "add", *MARIA, "--team", "general", "--team",
                "care", "--language", "en", "--password", "correct horse battery")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "teams general,care; languages en" in added.output
    result = run(tmp_path, monkeypatch, "agents", "set", "maria", "--presence", "available")
    assert result.exit_code == 0 and "available" in result.output
    listed = json.loads(run(tmp_path, monkeypatch, "agents", "list", "--json").output)
    assert listed[0]["presence"] == "available" and listed[0]["idle_s"] is not None
    assert listed[0]["teams"] == ["general", "care"]
    text = run(tmp_path, monkeypatch, "agents", "list").output
    assert "maria" in text and "idle" in text


def test_agents_add_names_the_wrong_key_and_the_fix(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, "agents", "add", *MARIA, "--team", "sales",
                 "--language", "en")  # fmt: skip
    assert result.exit_code == 1
    assert "team 'sales' is in no callflow" in result.output and "general" in result.output
    bad = ["--login", "x1", "--name", "X", "--address", "5551234", "--team", "general"]
    result = run(tmp_path, monkeypatch, "agents", "add", *bad, "--language", "en")
    assert result.exit_code == 1 and "+E.164" in result.output


def test_agents_set_refuses_an_unknown_agent(tmp_path, monkeypatch):
    result = run(tmp_path, monkeypatch, "agents", "set", "nobody", "--presence", "available")
    assert result.exit_code == 1 and "no agent 'nobody'" in result.output


def test_demo_calls_places_several_calls_at_once(tmp_path, monkeypatch):
    run(tmp_path, monkeypatch, "agents", "add", *MARIA, "--team", "general", "--team", "care",
        "--team", "security", "--language", "en", "--wrap-up", "60")  # fmt: skip
    run(tmp_path, monkeypatch, "agents", "set", "maria", "--presence", "available")
    monkeypatch.setattr("voice.flow.model.Callflow.is_open", lambda self, now: True)
    # one agent, in wrap-up for a minute after her call: whoever comes second must wait in line
    result = run(tmp_path, monkeypatch, "demo", "calls", "3", "--hold", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 3
    assert sum("answered" in line for line in lines) >= 1
    assert sum("queued" in line for line in lines) >= 1


def stuck_on_a_call(tmp_path, ended: bool) -> int:
    """Put maria on a call whose final status callback never came (or did, and was lost on her)."""
    import sqlalchemy as sa

    from voice.store.db import Database
    from voice.store.models import Agent, Call, utcnow

    db = Database(f"sqlite:///{tmp_path / 'voice.db'}")
    with db.session() as s:
        call = Call(sid="CA" + "5" * 32, from_number="+15555550100", to_number="+15555550000",
                    callflow="acme-outfitters", ended_at=utcnow() if ended else None)  # fmt: skip
        s.add(call)
        s.flush()
        agent = s.scalars(sa.select(Agent)).one()
        agent.presence, agent.call_id = "on_call", call.id
        call_id = call.id
    db.dispose()
    return call_id


def test_agents_set_presence_ends_a_stuck_call(tmp_path, monkeypatch):
    import sqlalchemy as sa

    from voice.store.db import Database
    from voice.store.models import Agent, CallEvent

    run(tmp_path, monkeypatch, "agents", "add", *MARIA, "--team", "general", "--language", "en")
    call_id = stuck_on_a_call(tmp_path, ended=False)
    result = run(tmp_path, monkeypatch, "agents", "set", "maria", "--presence", "offline")
    assert result.exit_code == 0, result.output
    assert "offline" in result.output
    db = Database(f"sqlite:///{tmp_path / 'voice.db'}")
    with db.session() as s:
        agent = s.scalars(sa.select(Agent)).one()
        assert (agent.presence, agent.call_id) == ("offline", None)
        event = s.scalars(sa.select(CallEvent).where(CallEvent.call_id == call_id)).one()
        assert (event.kind, event.detail["by"]) == ("presence_override", "voice agents set")
    db.dispose()


def test_agents_reconcile_frees_an_agent_whose_call_ended_unseen(tmp_path, monkeypatch):
    run(tmp_path, monkeypatch, "agents", "add", *MARIA, "--team", "general", "--language", "en")
    stuck_on_a_call(tmp_path, ended=True)
    result = run(tmp_path, monkeypatch, "agents", "reconcile")
    assert result.exit_code == 0, result.output
    assert "freed 1 agents" in result.output
    listed = json.loads(run(tmp_path, monkeypatch, "agents", "list", "--json").output)
    assert listed[0]["presence"] == "available" and listed[0]["call_id"] is None
    again = json.loads(run(tmp_path, monkeypatch, "agents", "reconcile", "--json").output)
    assert again["agents_freed"] == 0 and again["checked"] == 0
