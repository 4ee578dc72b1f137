"""`voice callflows teach` and the cases `voice callflows check` replays, as an admin uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from voice.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "callflows" / "acme-outfitters.yaml"
MISSED = "i would love to see your tents in person whats the street"
LABELLED = (
    "expect\tutterance\n"
    f"answer:store_address\t{MISSED}\n"
    "transfer:any\tdo you sell cars\n"
    "transfer:escalation:bereavement\tmy wife died and the card is in her name\n"
)


@pytest.fixture
def line(tmp_path: Path) -> Path:
    path = tmp_path / DEMO.name
    shutil.copy(DEMO, path)
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_teach_adds_what_helps_prints_figures_and_keeps_the_cases(line, tmp_path):
    labelled = tmp_path / "calls.tsv"
    labelled.write_text(LABELLED)
    result = run("callflows", "teach", str(line), str(labelled))
    assert result.exit_code == 0, result.output
    assert "before: 0/1 answerable answered" in result.output
    assert "after:  1/1 answerable answered, 0 answered wrongly" in result.output
    assert f"- {MISSED}" in line.read_text()
    cases = line.with_name("acme-outfitters.cases.tsv").read_text()
    assert cases.startswith("expect\tutterance\n") and f"answer:store_address\t{MISSED}" in cases
    decided = run("decide", "--callflow", str(line), MISSED)
    assert '"intent": "store_address"' in decided.output


def test_teaching_again_changes_nothing(line, tmp_path):
    labelled = tmp_path / "calls.tsv"
    labelled.write_text(LABELLED)
    run("callflows", "teach", str(line), str(labelled))
    once = line.read_text(), line.with_name("acme-outfitters.cases.tsv").read_text()
    again = run("callflows", "teach", str(line), str(labelled))
    assert "nothing to add" in again.output
    assert (line.read_text(), line.with_name("acme-outfitters.cases.tsv").read_text()) == once


def test_teach_refuses_labels_the_line_does_not_have(line, tmp_path):
    labelled = tmp_path / "calls.tsv"
    labelled.write_text("expect\tutterance\nanswer:pizza\tdo you have pizza\n")
    result = CliRunner().invoke(main, ["callflows", "teach", str(line), str(labelled)])
    assert result.exit_code != 0
    assert "line 2: 'answer:pizza': acme-outfitters has no 'pizza'" in result.output
    assert line.read_text() == DEMO.read_text()


def test_check_fails_on_a_case_answered_wrongly_and_shows_what_happened(line):
    cases = line.with_name("acme-outfitters.cases.tsv")
    cases.write_text("expect\tutterance\ntransfer:any\twhat are your hours\n")
    result = CliRunner().invoke(main, ["callflows", "check", str(line)])
    assert result.exit_code != 0
    assert "line 2: 'what are your hours' expected transfer:any, got answer:store_hours" in (
        result.output
    )


def test_check_passes_when_cases_only_go_to_a_person_more_than_hoped(line):
    cases = line.with_name("acme-outfitters.cases.tsv")
    cases.write_text("expect\tutterance\nanswer:store_hours\tsomething completely different\n")
    result = CliRunner().invoke(main, ["callflows", "check", str(line)])
    assert result.exit_code == 0, result.output
    assert "0/1 answerable answered, 0 answered wrongly; 1 to a person (safe)" in result.output


def test_the_shipped_demo_cases_pass_check():
    result = CliRunner().invoke(main, ["callflows", "check", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "cases acme-outfitters.cases.tsv:" in result.output
