"""A line's labelled cases: read with clear errors, judged right, wrong or a (safe) miss."""

import pytest

from voice.errors import CallflowInvalid
from voice.flow import Utterance, decide
from voice.flow.cases import Case, format_cases, judge, parse_cases, replay, unknown_labels

GOOD = (
    "expect\tutterance\n"
    "answer:store_hours\twhat are your hours\n"
    "transfer:escalation:bereavement\tmy husband passed away\n"
    "transfer:human\tagent\n"
    "transfer:any\tdo you sell cars\n"
)


def test_a_cases_file_reads_one_case_per_line_with_where_it_came_from():
    cases = parse_cases(GOOD, "acme.cases.tsv")
    assert [(c.expect, c.line) for c in cases] == [
        ("answer:store_hours", 2),
        ("transfer:escalation:bereavement", 3),
        ("transfer:human", 4),
        ("transfer:any", 5),
    ]
    assert parse_cases(format_cases(cases)) == [Case(c.expect, c.text, c.line) for c in cases]


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("utterance\texpect\nx\ty\n", "line 1", "header"),
        ("expect\tutterance\nanswer:store_hours\n", "line 2", "two columns"),
        ("expect\tutterance\nanswered:store_hours\thours\n", "line 2", "unknown label"),
        ("expect\tutterance\nanswer:\thours\n", "line 2", "unknown label"),
    ],
)
def test_a_broken_cases_file_names_the_line_and_the_fix(text, where, says):
    with pytest.raises(CallflowInvalid) as raised:
        parse_cases(text, "acme.cases.tsv")
    assert raised.value.file == "acme.cases.tsv" and raised.value.key == where
    assert says in raised.value.problem and raised.value.fix


def test_a_case_naming_an_intent_the_line_lacks_is_reported(demo):
    cases = parse_cases("expect\tutterance\nanswer:pizza\tdo you have pizza\n")
    assert unknown_labels(demo, cases) == ["line 2: 'answer:pizza': acme-outfitters has no 'pizza'"]


def test_an_answer_to_a_transfer_case_is_wrong_and_a_transfer_of_an_answer_case_is_a_miss(
    demo, open_now
):
    answered = decide(demo, Utterance("what are your hours"), open_now)
    transferred = decide(demo, Utterance("agent"), open_now)
    assert judge(demo, Case("transfer:any", "x"), answered).verdict == "wrong"
    assert judge(demo, Case("answer:store_address", "x"), answered).verdict == "wrong"
    assert judge(demo, Case("answer:store_hours", "x"), transferred).verdict == "miss"
    assert judge(demo, Case("answer:store_hours", "x"), answered).verdict == "right"
    assert judge(demo, Case("transfer:human", "x"), transferred).verdict == "right"


def test_an_escalation_case_is_right_only_on_its_team(demo, open_now):
    grief = decide(demo, Utterance("my husband passed away"), open_now)
    assert judge(demo, Case("transfer:escalation:bereavement", "x"), grief).verdict == "right"
    other = decide(demo, Utterance("agent"), open_now)
    assert judge(demo, Case("transfer:escalation:bereavement", "x"), other).verdict == "miss"


def test_replay_counts_figures_as_the_benchmark_does(demo):
    result = replay(demo, parse_cases(GOOD))
    figures = result.figures
    assert (figures.total, figures.wrong, figures.answerable, figures.covered) == (4, 0, 1, 1)
    assert (figures.escalations_right, figures.humans_transferred) == (1, 1)
    assert result.right == 4
    assert "1/1 answerable answered, 0 answered wrongly" in figures.summary()
