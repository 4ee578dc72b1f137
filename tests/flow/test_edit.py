"""Sending an intent to people: a one-line, validated, atomic edit of the callflow file."""

import shutil

import pytest
from click.testing import CliRunner

from voice.calls.lines import Lines
from voice.cli import main
from voice.errors import CallflowInvalid
from voice.flow import decide, load_callflow
from voice.flow.edit import send_to_people, set_to_people
from voice.flow.types import Utterance

from conftest import ROOT


@pytest.fixture
def acme(tmp_path):
    folder = tmp_path / "callflows"
    folder.mkdir()
    path = folder / "acme-outfitters.yaml"
    shutil.copy(ROOT / "callflows" / "acme-outfitters.yaml", path)
    return path


def changed_lines(diff):
    return [line for line in diff.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]  # fmt: skip


def test_the_diff_shows_only_the_added_line_and_comments_survive(acme):
    before = acme.read_text()
    diff = send_to_people(acme, "price_match")
    assert changed_lines(diff) == ["+    to_people: true"]
    after = acme.read_text()
    assert [c for c in before.splitlines() if "#" in c] == [
        c for c in after.splitlines() if "#" in c
    ]
    assert after.replace("    to_people: true\n", "", 1) == before


def test_decide_transfers_the_intent_afterwards_with_it_recorded(acme):
    send_to_people(acme, "price_match", team="orders")
    decision = decide(load_callflow(acme), Utterance("do you price match"))
    assert (decision.action, decision.reason) == ("transfer", "sent_to_people")
    assert (decision.intent, decision.team) == ("price_match", "orders")


def test_without_a_team_it_goes_to_the_default_team(acme):
    send_to_people(acme, "store_hours")
    decision = decide(load_callflow(acme), Utterance("what are your hours"))
    assert (decision.reason, decision.team) == ("sent_to_people", "general")


def test_an_invalid_result_is_refused_and_the_file_left_untouched(acme):
    before = acme.read_bytes()
    with pytest.raises(CallflowInvalid, match="team 'nobody' is not in teams") as err:
        send_to_people(acme, "price_match", team="nobody")
    assert err.value.key.startswith("intents.price_match.team")
    assert acme.read_bytes() == before
    assert sorted(p.name for p in acme.parent.iterdir()) == [acme.name]  # no temp file left


def test_an_unknown_intent_is_refused_with_the_known_ones(acme):
    with pytest.raises(CallflowInvalid, match="no such intent") as err:
        send_to_people(acme, "pricematch")
    assert "price_match" in err.value.fix


def test_undo_restores_the_file_exactly_and_repeating_changes_nothing(acme):
    before = acme.read_text()
    send_to_people(acme, "order_status")
    assert send_to_people(acme, "order_status") == ""
    set_to_people(acme, "order_status", on=False)
    assert acme.read_text() == before


def test_the_running_lines_are_reloaded_without_a_restart(acme):
    lines = Lines(acme.parent)
    lines.load()
    send_to_people(acme, "rentals", lines=lines)
    assert lines.by_name("acme-outfitters").intents["rentals"].to_people


def test_to_people_must_be_true_or_false(acme):
    acme.write_text(
        acme.read_text().replace("  rentals:\n", "  rentals:\n    to_people: yes please\n")
    )
    with pytest.raises(CallflowInvalid, match="expected true or false") as err:
        load_callflow(acme)
    assert err.value.key == "intents.rentals.to_people"


def test_the_cli_prints_the_diff(acme):
    result = CliRunner().invoke(main, ["callflows", "to-people", str(acme), "gift_cards"])
    assert result.exit_code == 0, result.output
    assert "+    to_people: true" in result.output
    bad = CliRunner().invoke(main, ["callflows", "to-people", str(acme), "nope"])
    assert bad.exit_code == 1 and "no such intent" in bad.output
