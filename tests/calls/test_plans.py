"""Plans: what the caller hears next; every transfer dials someone, in the line's language."""

from voice.calls.actions import Dial, Hangup, Listen, Say
from voice.calls.phrases import ENGLISH
from voice.calls.plans import decision_plan, fallback_plan, greeting_plan, whisper_text
from voice.flow import load_callflow, transfer
from voice.flow.types import Decision

from conftest import DATA, ROOT

ACME = load_callflow(ROOT / "callflows" / "acme-outfitters.yaml")
KOREAN = load_callflow(DATA / "callflows" / "ko-store.yaml")


def test_an_answer_is_said_then_one_anything_else_turn_is_opened():
    plan = decision_plan(ACME, Decision("answer", "intent", say="We open at 8."), speech="text")
    said, listen = plan.steps
    assert said.text == f"We open at 8. {ACME.followup}"
    assert said.voice == ACME.voice and said.language == "en-US"
    assert listen == Listen("followup", "text")


def test_a_transfer_says_the_handoff_then_dials_the_target_with_its_transfer_id():
    plan = decision_plan(ACME, transfer(ACME, "asked_for_human"), "+15005550101", 9)
    assert isinstance(plan.steps[0], Say) and plan.steps[1] == Dial("+15005550101", 9)


def test_a_transfer_with_nowhere_to_ring_apologises_instead_of_dialling_nothing():
    plan = decision_plan(ACME, transfer(ACME, "no_match"), "")
    assert plan.steps == (Say(ENGLISH.nobody, ACME.voice, "en-US"), Hangup())


def test_the_greeting_is_said_with_say_only_when_it_cannot_be_streamed():
    assert greeting_plan(ACME, "vosk", greeting_streamed=True).steps == (Listen("greeting"),)
    spoken = greeting_plan(ACME, "vosk", greeting_streamed=False).steps
    assert spoken[0].text == ACME.greeting and spoken[1] == Listen("greeting")


def test_the_fault_fallback_dials_a_person_in_the_callers_language():
    plan = fallback_plan(KOREAN, "+15005550399", "internal_error")
    said, dial = plan.steps
    assert said.text == KOREAN.handoff_line(KOREAN.default_team) and said.language == "ko-KR"
    assert dial == Dial("+15005550399")


def test_the_fault_fallback_without_any_number_still_speaks_rather_than_dead_air():
    assert fallback_plan(None, "", "internal_error").steps == (Say(ENGLISH.nobody), Hangup())


def test_the_whisper_names_the_caller_the_reason_and_their_words():
    fraud = Decision("transfer", "escalation:fraud", team="security", priority="high")
    text = whisper_text(fraud, "a charge i never made", "Maria Lopez", "+15555550100")
    assert text == (
        'Maria Lopez needs help with fraud, high priority. They said: "a charge i never made".'
    )


def test_an_unknown_caller_is_named_by_the_last_digits_of_their_number():
    text = whisper_text(Decision("transfer", "silence"), "", "", "+15555550177")
    assert text == "A caller with a number ending in 0 1 7 7 didn't say anything."
