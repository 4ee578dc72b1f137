"""`voice callflows check` and `voice decide`, as an operator runs them before going live."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from voice.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "callflows" / "acme-outfitters.yaml"
TEST_FLOWS = ROOT / "tests" / "data" / "callflows"
EXAMPLE = TEST_FLOWS / "design-example.yaml"
BROKEN = TEST_FLOWS / "broken"
MONDAY_NOON = "2025-03-03T12:00"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, stdin: str | None = None, env: dict | None = None):
    return runner.invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)


def decisions(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_shipped_demo_passes_callflows_check(runner):
    result = run(runner, "callflows", "check", str(DEMO))
    assert result.exit_code == 0, result.output
    assert "ok " in result.output
    assert "acme-outfitters (en-US): 8 intents, 5 escalations, 4 teams" in result.output


def test_check_defaults_to_the_callflows_dir_from_settings(runner, tmp_path):
    shutil.copy(DEMO, tmp_path / DEMO.name)
    result = run(runner, "callflows", "check", env={"CALLFLOWS_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert f"ok {tmp_path / DEMO.name}" in result.output


def test_check_prints_one_summary_line_per_file_in_a_folder(runner):
    result = run(runner, "callflows", "check", str(TEST_FLOWS))
    assert result.exit_code == 0, result.output
    summaries = [line for line in result.output.splitlines() if line.startswith("ok ")]
    assert len(summaries) == len(list(TEST_FLOWS.glob("*.yaml")))


def test_missing_team_targets_warn_but_pass(runner):
    result = run(runner, "callflows", "check", str(EXAMPLE))
    assert result.exit_code == 0
    assert "warning:" in result.output and "teams.care.target: no target" in result.output


def test_broken_callflow_names_file_key_and_fix(runner):
    path = BROKEN / "many-problems.yaml"
    result = run(runner, "callflows", "check", str(path))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    expected_keys = [
        "version:",
        "business.timezone:",
        "business.hours.mon-fri:",
        "greeting:",
        "intents.order_status.exampels:",
        "intents.order_status.lookup:",
        "escalations.fraud.team:",
        "escalations.fraud.priority:",
        "teams.security.target:",
    ]
    for key in expected_keys:
        line = next((e for e in errors if f"{path}: {key}" in e), None)
        assert line is not None, f"{key} not reported in:\n{result.output}"
        assert "(fix: " in line
    assert 'did you mean "orders.latest_for_caller"' in result.output
    assert "1 of 1 callflow file(s) have errors" in result.output


def test_yaml_syntax_error_is_reported_with_its_line(runner):
    result = run(runner, "callflows", "check", str(BROKEN / "syntax.yaml"))
    assert result.exit_code == 1
    assert "YAML syntax error at line" in result.output


def test_a_file_that_is_not_a_mapping_is_reported(runner):
    result = run(runner, "callflows", "check", str(BROKEN / "not-a-mapping.yaml"))
    assert result.exit_code == 1
    assert "(file): the file is a list, not a mapping of keys" in result.output


def test_check_of_a_folder_with_one_broken_file_fails(runner):
    result = run(runner, "callflows", "check", str(BROKEN))
    assert result.exit_code == 1
    assert "3 of 3 callflow file(s) have errors" in result.output


def test_check_of_a_missing_path_fails_clearly(runner, tmp_path):
    result = run(runner, "callflows", "check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "is not a folder" in result.output


def test_decide_prints_the_design_contract_keys(runner):
    result = run(
        runner, "decide", "--callflow", str(EXAMPLE), "--now", MONDAY_NOON, "what are your hours"
    )
    assert result.exit_code == 0, result.output
    [decision] = decisions(result.output)
    assert {"action", "intent", "team", "reason", "say"} <= decision.keys()
    assert decision["action"] == "answer"
    assert decision["intent"] == "store_hours"
    assert decision["say"] == "We're open 8 AM to 8 PM today."


def test_decide_jsonl_reads_one_utterance_per_line_and_skips_blanks(runner):
    stdin = "what are your hours\n\nagent\nmy husband passed away\ndo you sell cars\n  \n"
    result = run(
        runner, "decide", "--callflow", str(EXAMPLE), "--jsonl", "--now", MONDAY_NOON, stdin=stdin
    )
    assert result.exit_code == 0, result.output
    got = [(d["action"], d["reason"], d["team"]) for d in decisions(result.output)]
    assert got == [
        ("answer", "intent", None),
        ("transfer", "asked_for_human", "general"),
        ("transfer", "escalation:bereavement", "care"),
        ("transfer", "no_match", "general"),
    ]


def test_decide_jsonl_accepts_json_lines_too(runner):
    stdin = '{"text": "agent"}\n"what are your hours"\n'
    result = run(runner, "decide", "--callflow", str(EXAMPLE), "--jsonl", stdin=stdin)
    assert [d["text"] for d in decisions(result.output)] == ["agent", "what are your hours"]


def test_decide_low_confidence_option(runner):
    result = run(
        runner, "decide", "--callflow", str(EXAMPLE), "--confidence", "0.2", "what are your hours"
    )
    assert decisions(result.output)[0]["reason"] == "low_confidence"


def test_decide_followup_turn_option(runner):
    result = run(runner, "decide", "--callflow", str(EXAMPLE), "--turn", "followup", "no thanks")
    assert decisions(result.output)[0]["action"] == "hangup"


def test_decide_now_option_sets_todays_hours(runner):
    sunday = "2025-03-09T12:00"
    result = run(runner, "decide", "--callflow", str(EXAMPLE), "--now", sunday, "hours")
    assert decisions(result.output)[0]["say"] == "We're open closed today."


def test_decide_bad_now_is_an_error(runner):
    result = run(runner, "decide", "--callflow", str(EXAMPLE), "--now", "monday", "hours")
    assert result.exit_code == 1
    assert "--now" in result.output and "ISO" in result.output


def test_decide_lookup_without_caller_prints_the_template_and_lookup(runner):
    result = run(runner, "decide", "--callflow", str(EXAMPLE), "where is my order")
    [decision] = decisions(result.output)
    assert decision["lookup"] == "orders.latest_for_caller"
    assert decision["say"] == "Your order {lookup.number} {lookup.status_phrase}."


@pytest.fixture
def lookups(monkeypatch):
    """Replace the database lookup; tests set `.data` and read `.calls`."""
    import voice.calls.lookups as module

    class Fake:
        data: dict | None = None
        calls: list = []

    def run_lookup(name, caller):
        Fake.calls.append((name, caller))
        return Fake.data

    monkeypatch.setattr(module, "run_lookup", run_lookup)
    Fake.calls = []
    return Fake


def test_decide_with_caller_runs_the_lookup(runner, lookups):
    lookups.data = {"number": "A1", "status_phrase": "has shipped"}
    result = run(
        runner,
        "decide",
        "--callflow",
        str(EXAMPLE),
        "--caller",
        "+15551234567",
        "where is my order",
    )
    assert lookups.calls == [("orders.latest_for_caller", "+15551234567")]
    [decision] = decisions(result.output)
    assert decision["say"] == "Your order A1 has shipped."
    assert "lookup" not in decision


def test_decide_with_caller_and_no_data_goes_to_a_person(runner, lookups):
    result = run(
        runner,
        "decide",
        "--callflow",
        str(EXAMPLE),
        "--caller",
        "+15551234567",
        "where is my order",
    )
    assert decisions(result.output)[0]["reason"] == "lookup_failed"


def test_decide_on_an_invalid_callflow_names_file_key_and_fix(runner):
    path = BROKEN / "many-problems.yaml"
    result = run(runner, "decide", "--callflow", str(path), "hello")
    assert result.exit_code == 1
    assert f"error: {path}: version: unsupported version 2" in result.output
    assert "(fix: set `version: 1`" in result.output


def test_decide_without_text_or_jsonl_is_an_error(runner):
    result = run(runner, "decide", "--callflow", str(EXAMPLE))
    assert result.exit_code == 1
    assert "--jsonl" in result.output
