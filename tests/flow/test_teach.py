"""Teaching a line from labelled calls: what helps is added, nothing that answers a case wrongly."""

import shutil

import pytest

from voice.flow import Utterance, decide, load_callflow
from voice.flow.cases import Case, replay
from voice.flow.edit import add_examples, remove_examples
from voice.flow.teach import Addition, teach, with_additions

from .conftest import DEMO

MISSED = "i would love to see your tents in person whats the street"


def test_a_missed_request_is_taught_as_an_example_and_then_answered(demo, open_now):
    assert decide(demo, Utterance(MISSED), open_now).action == "transfer"
    taught, lesson = teach(demo, [Case("answer:store_address", MISSED)])
    assert lesson.kept == [Addition("intent", "store_address", MISSED)]
    assert (lesson.before.covered, lesson.after.covered) == (0, 1)
    assert decide(taught, Utterance(MISSED), open_now).intent == "store_address"
    assert MISSED not in demo.intents["store_address"].examples  # the input line is untouched


def test_teaching_never_adds_what_would_answer_a_labelled_case_wrongly(demo):
    # The same words labelled two ways: as an example it would answer the transfer case.
    cases = [Case("answer:store_address", MISSED), Case("transfer:any", MISSED)]
    _, lesson = teach(demo, cases)
    assert Addition("intent", "store_address", MISSED) not in lesson.kept
    assert lesson.after.wrong == 0
    refused = dict(lesson.refused)
    assert "answered wrongly" in refused[Addition("intent", "store_address", MISSED)]


def test_teaching_twice_changes_nothing(demo):
    cases = [Case("answer:store_address", MISSED), Case("transfer:any", "do you sell cars")]
    once, first = teach(demo, cases)
    twice, second = teach(once, cases)
    assert second.kept == []
    assert twice.intents == once.intents and twice.out_of_scope == once.out_of_scope
    assert replay(twice, cases).figures == first.after


def test_a_taught_line_is_written_with_comments_kept_and_can_be_undone(tmp_path):
    path = tmp_path / DEMO.name
    shutil.copy(DEMO, path)
    before = path.read_text()
    additions = [Addition("intent", "store_address", MISSED), Addition("out_of_scope", "", "x y")]
    diff = add_examples(path, additions)
    assert f"+      - {MISSED}" in diff and "+out_of_scope:" in diff
    assert "# what the assistant may answer by itself" in path.read_text()
    line = load_callflow(path)
    assert MISSED in line.intents["store_address"].examples and line.out_of_scope == ("x y",)
    assert add_examples(path, additions) == ""  # already there: nothing to write
    remove_examples(path, additions)
    assert path.read_text() == before


def test_an_example_for_an_intent_the_line_lacks_is_refused_without_writing(tmp_path):
    from voice.errors import CallflowInvalid

    path = tmp_path / DEMO.name
    shutil.copy(DEMO, path)
    with pytest.raises(CallflowInvalid, match="no such list of examples"):
        add_examples(path, [Addition("intent", "pizza", "do you have pizza")])
    assert path.read_text() == DEMO.read_text()


def test_with_additions_builds_a_new_line_that_knows_them(demo):
    line = with_additions(demo, [Addition("escalation", "complaint", "this store is a disgrace")])
    assert "this store is a disgrace" in line.escalations["complaint"].examples
    assert "this store is a disgrace" not in demo.escalations["complaint"].examples
