"""Titles: what admins and agents read for intents, escalations, teams and routing reasons."""

import pytest

from voice.cli import main
from voice.flow import titles

from .test_validate import BASE, changed, problems, write


def with_titles(**titled):
    """Return BASE with `title:` set on entries named as `kind__key="Title"`."""
    data = changed("intents.store_hours.title", "Store hours")
    for name, title in titled.items():
        kind, key = name.split("__")
        data[kind][key]["title"] = title
    return data


def test_titles_are_optional_and_default_to_the_key_in_words(tmp_path):
    callflow, report = problems(tmp_path, BASE)
    assert report.errors == []
    assert titles.intent(callflow, "order_status") == "Order status"
    assert titles.escalation(callflow, "bereavement") == "Bereavement"
    assert titles.team(callflow, "general") == "General"


def test_a_team_without_a_title_shows_the_name_callers_hear(tmp_path):
    callflow, _ = problems(tmp_path, BASE)
    assert titles.team(callflow, "care") == "Customer care"


def test_a_title_given_is_what_every_page_shows(tmp_path):
    data = with_titles(intents__order_status="Where's my order", teams__care="Care desk",
                       escalations__bereavement="A death in the family")  # fmt: skip
    callflow, report = problems(tmp_path, data)
    assert report.errors == []
    assert titles.intent(callflow, "order_status") == "Where's my order"
    assert titles.team(callflow, "care") == "Care desk"
    assert titles.topic(callflow, "bereavement") == "A death in the family"
    assert titles.reason("escalation:bereavement", callflow) == (
        "A death in the family: always handled by a person"
    )


def test_a_key_the_line_no_longer_has_still_reads_in_words(tmp_path):
    callflow, _ = problems(tmp_path, BASE)
    assert titles.intent(callflow, "gift_cards") == "Gift cards"
    assert titles.team(None, "security") == "Security"
    assert titles.intent(callflow, None) == ""


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        ("", "expected a title in words, got empty text"),
        (12, "expected a title in words, got a number"),
        (["Orders"], "expected a title in words, got a list"),
        ("x" * 61, "is 61 characters long; titles are at most 60"),
    ],
)
def test_a_title_must_be_a_few_words(tmp_path, title, problem):
    _, report = problems(tmp_path, with_titles(intents__order_status=title))
    (error,) = report.errors
    assert error.key == "intents.order_status.title" and error.problem.startswith(problem)
    assert error.file.endswith("line.yaml") and error.fix


def test_two_intents_may_not_share_a_title(tmp_path):
    _, report = problems(tmp_path, with_titles(intents__order_status="store HOURS"))
    (error,) = report.errors
    assert error.key == "intents.order_status.title"
    assert error.problem.startswith("'store HOURS' is also the title of intents.store_hours")
    assert error.fix == "give each of the intents its own `title:`"


def test_a_title_may_not_hide_another_entrys_default(tmp_path):
    _, report = problems(tmp_path, with_titles(teams__general="Customer care"))
    assert [e.key for e in report.errors] == ["teams.care.title"]


def test_the_same_title_may_name_an_intent_and_a_team(tmp_path):
    data = with_titles(teams__care="Store hours")
    assert problems(tmp_path, data)[1].errors == []


def test_the_check_command_names_the_file_the_key_and_the_fix(tmp_path):
    from click.testing import CliRunner

    path = write(tmp_path, with_titles(escalations__bereavement="  "))
    result = CliRunner().invoke(main, ["callflows", "check", str(path)])
    assert result.exit_code != 0
    assert "escalations.bereavement.title" in result.output and str(path) in result.output
    assert 'title: "Order status"' in result.output


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("asked_for_human", "asked for a person"),
        ("intent", "answered by the assistant"),
        ("dial_failed", "a system fault"),
        ("something_new", "something new"),
        (None, ""),
    ],
)
def test_reasons_read_in_words(code, shown):
    assert titles.reason(code) == shown


def test_a_reason_shown_finds_its_code_again(tmp_path):
    callflow, _ = problems(tmp_path, with_titles(escalations__bereavement="Loss"))
    for code in (*titles.REASONS, "escalation:bereavement"):
        assert titles.reason_code(titles.reason(code, callflow), callflow) == code
    assert titles.reason_code("  Asked for a PERSON ", callflow) == "asked_for_human"
    assert titles.reason_code("loss", callflow) == "escalation:bereavement"
    assert titles.reason_code("asked_for_human", callflow) == "asked_for_human"
    assert titles.reason_code("no such reason", callflow) is None
