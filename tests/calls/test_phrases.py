"""The service's own sentences (queue, wait, hours, faults) are in the line's language."""

import dataclasses
import re

import pytest

from voice.calls import waiting
from voice.calls.actions import Offer, Say
from voice.calls.phrases import ENGLISH, KOREAN, phrases_for
from voice.calls.plans import decision_plan, fallback_plan, nobody_plan
from voice.flow import load_callflow, transfer

from conftest import DATA, ROOT

ACME = load_callflow(ROOT / "callflows" / "acme-outfitters.yaml")
KO = load_callflow(DATA / "callflows" / "ko-store.yaml")
LATIN = re.compile("[A-Za-z]")


def spoken(plan):
    return [s for s in plan.steps if isinstance(s, Say | Offer)]


def every_waiting_plan(callflow):
    """Return every plan the queue, the hours and the faults speak on a line."""
    return {
        "queued": waiting.queued_plan(callflow, "general", 7),
        "next in line": waiting.wait_plan(callflow, 7, 1, None),
        "third in line": waiting.wait_plan(callflow, 7, 3, 30),
        "waited minutes": waiting.wait_plan(callflow, 7, 2, 300),
        "connecting": waiting.connect_plan(callflow, "+15125550101", 3),
        "callback confirmed": waiting.callback_confirmed(callflow, "+821012345678"),
        "closed": waiting.closed_plan(callflow),
        "voicemail": waiting.voicemail_plan(callflow),
        "voicemail thanks": waiting.voicemail_thanks(callflow),
        "nobody to dial": nobody_plan(callflow),
        "no target after a decision": decision_plan(callflow, transfer(callflow, "no_match"), ""),
        "fallback": fallback_plan(callflow, "+15005550199", "internal_error"),
    }


@pytest.mark.parametrize("name", sorted(every_waiting_plan(KO)))
def test_the_korean_line_says_its_queue_wait_and_fault_sentences_in_korean(name):
    plan = every_waiting_plan(KO)[name]
    assert spoken(plan), name
    for step in spoken(plan):
        assert step.language == "ko-KR" and step.voice == KO.voice
        assert not LATIN.search(step.text), f"{name}: {step.text}"
        assert re.search("[가-힣]", step.text)


def test_the_korean_wait_names_the_place_the_minutes_and_the_hours_in_korean():
    (offer,) = spoken(waiting.wait_plan(KO, 7, 3, 300))
    assert "3번째" in offer.text and "약 5분" in offer.text
    assert KOREAN.callback_offer in offer.text
    (closed, _ask) = spoken(waiting.closed_plan(KO))
    assert KO.hours_week() in closed.text and "월요일" in closed.text
    (said,) = spoken(waiting.callback_confirmed(KO, "+821012345678"))
    assert "5 6 7 8" in said.text


def test_the_english_line_keeps_its_english_sentences():
    texts = [s.text for plan in every_waiting_plan(ACME).values() for s in spoken(plan)]
    assert all(step.language == "en-US" for p in every_waiting_plan(ACME).values()
               for step in spoken(p))  # fmt: skip
    assert ENGLISH.nobody in texts and ENGLISH.voicemail_thanks in texts
    (offer,) = spoken(waiting.wait_plan(ACME, 7, 2, 300))
    assert offer.text == (
        "You're number 2 in line. Recently, callers have waited about 5 minutes. "
        "To have us call you back instead, say 'call me back' or press 1."
    )
    (offer,) = spoken(waiting.wait_plan(ACME, 7, 1, 60))
    assert offer.text.startswith(
        "You're next in line. Recently, callers have waited about 1 minute."
    )


def test_a_line_in_a_language_without_a_table_hears_english():
    french = dataclasses.replace(ACME, language="fr-CA")
    assert phrases_for(french) is ENGLISH
    assert phrases_for(None) is ENGLISH  # no line known at all (a fault before the call's line)
    (said, _dial) = fallback_plan(None, "+15005550199", "incoming_failed").steps
    assert said.text == ENGLISH.sorry_connecting


@pytest.mark.parametrize(
    "speech", ["다시 전화해 주세요", "나중에 다시 전화 주세요", "콜백 부탁해요", "연락 주세요"]
)
def test_a_korean_caller_asking_for_a_callback_is_understood(speech):
    assert waiting.wants_callback(KO, "", speech)
    assert not waiting.wants_callback(ACME, "", speech)  # an English line listens for English


@pytest.mark.parametrize("speech", ["그냥 기다릴게요", "네", "메시지 남길게요"])
def test_a_korean_caller_who_keeps_waiting_or_wants_a_message_is_not_called_back(speech):
    assert not waiting.wants_callback(KO, "", speech)


def test_pressing_1_or_2_works_in_every_language():
    for callflow in (ACME, KO):
        assert waiting.wants_callback(callflow, "1", "")
        assert waiting.wants_message(callflow, "2", "")
    assert waiting.wants_message(KO, "", "메시지 남길게요")
    assert waiting.wants_callback(ACME, "", "please call me back")


def test_every_language_table_fills_in_the_same_blanks():
    blanks = re.compile(r"\{(\w+)\}")
    for field in dataclasses.fields(ENGLISH):
        english = getattr(ENGLISH, field.name)
        if isinstance(english, str) and field.name != "language":
            korean = getattr(KOREAN, field.name)
            assert set(blanks.findall(korean)) == set(blanks.findall(english)), field.name


def test_the_offer_tells_the_recognizer_to_expect_the_lines_own_words():
    from voice.calls.actions import Plan
    from voice.telephony.twiml import Urls, render

    (ko_offer,) = spoken(waiting.wait_plan(KO, 7, 2, None))
    (en_offer,) = spoken(waiting.wait_plan(ACME, 7, 2, None))
    assert ko_offer.hints == KOREAN.offer_hints and "다시 전화해 주세요" in ko_offer.hints
    assert en_offer.hints == ENGLISH.offer_hints and "call me back" in en_offer.hints
    xml = render(Plan((ko_offer,)), Urls("https://voice.example.com", lambda *_: ""))
    assert f'hints="{KOREAN.offer_hints}"' in xml and 'language="ko-KR"' in xml
    assert Plan.from_json(Plan((ko_offer,)).to_json()).steps == (ko_offer,)  # stored and served
