"""A Korean callflow works through its own examples: no English, no spaces between words."""

import datetime as dt

import pytest

from voice.flow import CallerContext, Utterance, decide, render_answer


@pytest.fixture
def seoul_monday(korean) -> CallerContext:
    return CallerContext(now=dt.datetime(2025, 3, 3, 10, 0, tzinfo=korean.business.tz))


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("영업 시간", "store_hours"),
        ("영업시간이 어떻게 돼요", "store_hours"),
        ("오늘 몇시에 닫아요", "store_hours"),
        ("몇 시에 문 닫아요?", "store_hours"),
        ("주문 배송 조회", "order_status"),
        ("배송조회 하고 싶어요", "order_status"),
        ("택배 언제 와요", "order_status"),
        ("주소가 어디예요", "store_address"),
        ("매장이 어디에 있어요", "store_address"),
    ],
)
def test_korean_requests_are_answered_from_korean_examples(korean, seoul_monday, said, intent):
    decision = decide(korean, Utterance(said), seoul_monday)
    assert (decision.action, decision.intent) == ("answer", intent)


def test_korean_hours_answer_is_said_in_korean(korean, seoul_monday):
    decision = decide(korean, Utterance("영업 시간"), seoul_monday)
    assert decision.say == "오늘 영업시간은 오전 9시부터 오후 6시까지입니다."


def test_korean_order_status_renders_lookup(korean, seoul_monday):
    pending = decide(korean, Utterance("주문 배송 조회"), seoul_monday)
    final = render_answer(
        korean, pending, {"number": "A7", "status_phrase": "배송 중입니다"}, seoul_monday
    )
    assert final.say == "주문번호 A7, 배송 중입니다."


@pytest.mark.parametrize(
    ("said", "reason", "team"),
    [
        ("상담원 연결해 주세요", "asked_for_human", "general"),
        ("사람이랑 통화하고 싶어요", "asked_for_human", "general"),
        ("직원 바꿔 주세요", "asked_for_human", "general"),
        ("어머니가 돌아가셨어요", "escalation:bereavement", "care"),
        ("명의자가 사망해서 전화했어요", "escalation:bereavement", "care"),
        ("누가 제 카드를 도용했어요", "escalation:fraud", "general"),
        ("주문 취소해 주세요", "escalation:cancellation", "general"),
        ("너무 짜증나요", "frustration", "general"),
        ("날씨 어때요", "no_match", "general"),
        ("자동차 팔아요", "no_match", "general"),
        ("", "silence", "general"),
    ],
)
def test_korean_transfers(korean, seoul_monday, said, reason, team):
    decision = decide(korean, Utterance(said), seoul_monday)
    assert (decision.action, decision.reason, decision.team) == ("transfer", reason, team)
    assert decision.say == korean.handoff_line(team)


def test_korean_handoff_and_goodbye_default_to_korean(korean):
    assert korean.handoff_line("care") == "고객 케어 담당 직원에게 연결해 드리겠습니다."
    assert korean.goodbye.startswith("전화해 주셔서 감사합니다")


@pytest.mark.parametrize(
    "said", ["아니요 괜찮아요", "감사합니다", "네 감사합니다", "없어요", "아니요"]
)
def test_korean_closing_reply_ends_the_call(korean, said):
    decision = decide(korean, Utterance(said), CallerContext(turn="followup"))
    assert (decision.action, decision.reason, decision.say) == ("hangup", "done", korean.goodbye)


def test_korean_new_request_on_followup_goes_to_a_person(korean):
    decision = decide(korean, Utterance("주소 알려주세요"), CallerContext(turn="followup"))
    assert (decision.action, decision.reason) == ("transfer", "followup")
