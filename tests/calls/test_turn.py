"""ListeningTurn pins the timing rules: a person on request at once, one try, silence → person."""

import pytest

from voice.calls.turn import ListeningTurn
from voice.flow import decide, is_human_request, load_callflow
from voice.flow.signals import only_asks_for_human, without_person_words
from voice.flow.types import CallerContext, Decision, Utterance, Word
from voice.speech.types import Final

from conftest import DATA

HUMAN = {"agent", "a person"}


def fake_decide(_callflow, utterance: Utterance, _context) -> Decision:
    if utterance.dtmf or utterance.text in HUMAN:
        return Decision("transfer", "asked_for_human", team="general")
    if not utterance.text:
        return Decision("transfer", "silence", team="general")
    return Decision("answer", "intent", intent="store_hours", say="8 to 8")


def make_turn(**kwargs) -> ListeningTurn:
    return ListeningTurn(
        object(), CallerContext(), fake_decide, lambda _cf, text: text in HUMAN, **kwargs
    )


def test_saying_agent_in_a_partial_result_transfers_before_the_utterance_ends():
    turn = make_turn(confirm_ms=300)
    turn.on_partial("agent", 900)
    turn.on_time(1180)
    assert not turn.done
    turn.on_time(1200)
    assert turn.result.decision.reason == "asked_for_human"
    assert turn.result.decided_ms == 1200  # 300 ms after "agent" was heard, not at the endpoint


def test_a_person_word_that_flickers_through_a_partial_does_not_transfer():
    # grammar recognizers guess ("operator") before settling on the real words
    turn = make_turn(confirm_ms=300)
    turn.on_partial("agent", 580)
    turn.on_time(700)
    turn.on_partial("where is", 820)
    turn.on_time(1500)
    assert not turn.done


def test_saying_agent_during_the_greeting_transfers_and_marks_barge_in():
    turn = make_turn(prompt_ms=5000)
    turn.on_partial("agent", 1200)
    assert turn.barged_in
    turn.on_time(1500)
    assert turn.result.decision.reason == "asked_for_human"


def test_speaking_after_the_greeting_is_not_a_barge_in():
    turn = make_turn(prompt_ms=2000)
    turn.on_partial("what are", 2500)
    assert not turn.barged_in
    assert not turn.done


def test_any_key_reaches_a_person_at_once_even_during_the_greeting():
    turn = make_turn(prompt_ms=5000)
    turn.on_dtmf("5", 300)
    assert turn.result.decision.reason == "asked_for_human"
    assert turn.result.source == "dtmf"


def test_silence_after_the_greeting_goes_to_a_person_not_a_reprompt():
    turn = make_turn(prompt_ms=3000, silence_timeout_ms=6000)
    turn.on_time(8980)
    assert not turn.done
    turn.on_time(9000)
    assert turn.result.decision.reason == "silence"
    assert turn.result.source == "none"


def test_silence_is_counted_after_the_greeting_not_during_it():
    turn = make_turn(prompt_ms=10_000, silence_timeout_ms=6000)
    turn.on_time(15_000)
    assert not turn.done


def test_a_final_result_decides_once_and_later_results_are_ignored():
    turn = make_turn()
    turn.on_partial("what are your", 1000)
    turn.on_final(Final("what are your hours", (Word("what", 0.9),)), 2000)
    first = turn.result
    turn.on_final(Final("agent"), 3000)
    turn.on_dtmf("0", 3100)
    assert turn.result is first
    assert first.decision.action == "answer"
    assert first.speech_end_ms == 1000


def test_noise_that_recognizes_as_nothing_keeps_listening_until_the_silence_rule():
    turn = make_turn(silence_timeout_ms=6000)
    turn.on_final(Final(""), 1500)
    assert not turn.done
    turn.on_time(6000)
    assert turn.result.decision.reason == "silence"


def test_a_caller_who_talks_past_the_limit_is_flushed_for_a_decision():
    turn = make_turn(max_utterance_ms=15_000)
    turn.on_partial("well so the thing is", 1000)
    assert not turn.on_time(15_000)
    assert turn.on_time(16_000)


def test_confidence_reaches_decide_as_the_mean_word_confidence():
    seen = []

    def spy(_cf, utterance, _ctx):
        seen.append(utterance)
        return Decision("transfer", "low_confidence")

    turn = ListeningTurn(object(), CallerContext(), spy, lambda *_: False)
    turn.on_final(Final("hours", (Word("hours", 0.2), Word("please", 0.4))), 1000)
    assert abs(seen[0].confidence - 0.3) < 1e-9


def test_hanging_up_ends_the_turn_without_a_decision():
    turn = make_turn()
    turn.on_partial("where is", 800)
    turn.on_hangup(1000)
    assert turn.done and turn.result.decision is None
    assert turn.result.utterance.text == "where is"


# A line held to its grammar: the recognizer puts any speech into the line's words, so a
# person word can surface inside other words ("배송 상태 알려주세요" was heard as
# "받 직원 영업 계세요"). Pinned with the Korean line's own words and the real rules.
KOREAN_LINE = load_callflow(DATA / "callflows" / "ko-store.yaml")


def korean_turn(**kwargs) -> tuple[ListeningTurn, list[Utterance]]:
    seen: list[Utterance] = []

    def spy(callflow, utterance, context):
        seen.append(utterance)
        return decide(callflow, utterance, context)

    turn = ListeningTurn(
        KOREAN_LINE,
        CallerContext(),
        spy,
        is_human_request,
        only_asks_for_human=only_asks_for_human,
        without_person_words=without_person_words,
        **kwargs,
    )
    return turn, seen


@pytest.mark.parametrize("partial", ["받 직원", "직원", "상담원"])
def test_a_grammar_partial_never_transfers_however_long_it_holds(partial):
    # "직원" alone showed mid-sentence too; the recognizer closes a whole phrase instead
    turn, _ = korean_turn(confirm_ms=300)
    turn.on_partial("배송", 1080)
    turn.on_partial(partial, 1320)
    turn.on_time(2280)
    assert not turn.done


@pytest.mark.parametrize("said", ["상담원", "직원", "상담 직원"])
def test_a_grammar_phrase_asking_for_a_person_transfers_when_it_closes(said):
    turn, _ = korean_turn()
    turn.on_partial(said, 1000)
    turn.on_final(Final(said, tuple(Word(w, 1.0) for w in said.split(" "))), 1300)
    assert turn.result.decision.reason == "asked_for_human"
    assert turn.result.decided_ms == 1300


def test_an_off_grammar_result_with_a_guessed_person_word_is_decided_as_not_understood():
    turn, seen = korean_turn()
    said = "받 직원 영업 계세요"
    heard = Final(said, tuple(Word(w, 1.0) for w in said.split(" ")), off_grammar=True)
    turn.on_final(heard, 3480)
    decision = turn.result.decision
    assert (decision.action, decision.reason) == ("transfer", "low_confidence")
    assert seen[0].text == "받 영업 계세요" and "직원" not in [w.text for w in seen[0].words]
    assert turn.result.utterance.text == "받 직원 영업 계세요"  # the record keeps what was heard


def test_an_off_grammar_result_that_only_asks_for_a_person_still_transfers_as_asked():
    turn, _ = korean_turn()
    turn.on_final(
        Final("아니 상담원", (Word("아니", 0.76), Word("상담원", 1.0)), off_grammar=True), 2400
    )
    assert turn.result.decision.reason == "asked_for_human"


def test_without_a_grammar_a_person_word_anywhere_in_a_partial_still_transfers():
    turn = ListeningTurn(KOREAN_LINE, CallerContext(), decide, is_human_request, confirm_ms=300)
    turn.on_partial("배송 말고 직원", 1000)
    turn.on_time(1300)
    assert turn.result.decision.reason == "asked_for_human"


def test_a_team_name_the_grammar_guessed_is_not_a_request_for_that_team():
    turn, seen = korean_turn()
    said = "직원 케어 고객 케어"  # heard for "배송 상태 알려주세요"; 고객 케어 is a team
    turn.on_final(Final(said, tuple(Word(w, 1.0) for w in said.split(" ")), off_grammar=True), 900)
    assert turn.result.decision.reason == "low_confidence"
    assert seen[0].text == "케어" and [w.text for w in seen[0].words] == ["케어"]
