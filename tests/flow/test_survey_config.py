"""The opt-in `survey:` key: validated like every key, and asked only after an automated answer."""

import shutil

import pytest

from voice.calls.actions import Hangup, Say, Survey
from voice.calls.plans import decision_plan
from voice.errors import CallflowInvalid
from voice.flow import load_callflow
from voice.flow.types import Decision

from conftest import DATA, ROOT

DONE = Decision(action="hangup", reason="done", say="Goodbye!")


def with_survey(tmp_path, source, survey):
    path = tmp_path / source.name
    shutil.copy(source, path)
    path.write_text(path.read_text() + f"\nsurvey: {survey}\n")
    return path


def test_a_callflow_with_the_survey_asks_for_a_rating_before_the_goodbye():
    plan = decision_plan(load_callflow(ROOT / "callflows" / "acme-outfitters.yaml"), DONE)
    assert [type(s) for s in plan.steps] == [Survey, Say, Hangup]
    assert "from 1 to 5" in plan.steps[0].text


def test_a_callflow_without_it_just_says_goodbye():
    plan = decision_plan(load_callflow(DATA / "callflows" / "pizza-shop.yaml"), DONE)
    assert [type(s) for s in plan.steps] == [Say, Hangup]


def test_an_unknown_survey_key_names_the_key_and_the_allowed_ones(tmp_path):
    path = with_survey(
        tmp_path, DATA / "callflows" / "pizza-shop.yaml", "{enabled: true, colour: red}"
    )
    with pytest.raises(CallflowInvalid) as err:
        load_callflow(path)
    assert err.value.key == "survey.colour" and "enabled, question, thanks" in err.value.fix


def test_a_line_in_another_language_must_write_its_own_question(tmp_path):
    path = with_survey(tmp_path, DATA / "callflows" / "ko-store.yaml", "true")
    with pytest.raises(CallflowInvalid, match="survey.question: has no default in 'ko-KR'"):
        load_callflow(path)
