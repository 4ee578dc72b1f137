"""is_human_request() on partial recognizer results: instant barge-in without false alarms."""

import time

import pytest

from voice.flow import is_human_request


@pytest.mark.parametrize(
    "partial",
    [
        "agent",
        "i want an agent",
        "a person",
        "can i talk to a person",
        "representative",
        "human",
        "operator",
        "customer service",
        "real person",
        "speak to someone",
        "talk to somebody",
        "AGENT",
    ],
)
def test_a_partial_asking_for_a_person_barges_in(demo, partial):
    assert is_human_request(demo, partial) is True


@pytest.mark.parametrize(
    "partial",
    [
        "",
        "what's on the agenda",
        "my personal details",
        "personally i think",
        "in person",
        "the agency",
        "humane",
        "operating hours",
        "represents",
        "where is my order",
        # A bare mishearing could still grow into another word; the final result decides it.
        "asian",
        "zero",
    ],
)
def test_a_partial_without_a_request_for_a_person_does_not_barge_in(demo, partial):
    assert is_human_request(demo, partial) is False


@pytest.mark.parametrize(
    "partial", ["상담원", "상담원 연결해 주세요", "사람이랑 통화할래요", "직원 바꿔 주세요"]
)
def test_korean_partials_asking_for_a_person_barge_in(korean, partial):
    assert is_human_request(korean, partial) is True


@pytest.mark.parametrize("partial", ["영업 시간", "택배 어디쯤 왔어요", ""])
def test_korean_partials_without_a_request_do_not_barge_in(korean, partial):
    assert is_human_request(korean, partial) is False


def test_callflow_human_words_extend_the_lexicon(tmp_path):
    from voice.flow import load_callflow

    from .test_validate import BASE, write

    data = dict(BASE, human_words=["front desk"])
    callflow = load_callflow(write(tmp_path, data))
    assert is_human_request(callflow, "front desk please") is True


def test_is_human_request_is_fast_enough_for_every_partial(demo):
    partials = ["i would like to know when you close", "can i talk to a person"] * 500
    start = time.perf_counter()
    for partial in partials:
        is_human_request(demo, partial)
    per_call = (time.perf_counter() - start) / len(partials)
    assert per_call < 0.001
