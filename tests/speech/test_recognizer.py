from __future__ import annotations

import json
import threading

import pytest

from voice.speech import recognizer as recognizer_module
from voice.speech.audio import frames, speech_spans
from voice.speech.recognizer import VoskRecognizer, clean_text, clean_word, load_model
from voice.speech.types import Final, Partial

GRAMMAR = ["영업 시간", "주소", "상담원", "사람", "주문 배송 조회"]
FRAME_S = 0.02


def stream(rec: VoskRecognizer, audio: bytes) -> list[tuple[float, Partial | Final]]:
    """Feed audio in 20 ms frames as Twilio would; return (audio time, result) in order."""
    results = []
    for index, frame in enumerate(frames(audio)):
        result = rec.accept(frame)
        if result is not None:
            results.append(((index + 1) * FRAME_S, result))
    return results


def frames_of_silence() -> bytes:
    return bytes(int(FRAME_S * 8000) * 2)


def finals(results) -> list[Final]:
    return [r for _, r in results if isinstance(r, Final)]


@pytest.mark.parametrize(
    ("token", "word"),
    [("상담원", "상담원"), ("[5]", "5"), ("[22]", "22"), ("(백)", "백"), ("<UNK>", None),
     ("[unk]", None), ("<SPOKEN_NOISE>", None), ("[noise]", None), ("!SIL", None)],
)  # fmt: skip
def test_vosk_tokens_become_words_or_are_dropped(token, word):
    assert clean_word(token) == word


def test_transcripts_keep_numbers_and_drop_non_words():
    assert clean_text("[5] (백) 원 <UNK> 주세요") == "5 백 원 주세요"


def test_the_model_is_loaded_once_even_when_calls_start_together(
    tmp_path, monkeypatch, fake_site_helpers
):
    path = fake_site_helpers.make_model_dir(tmp_path, "model")
    loads = []

    def slow_model(model_path: str) -> object:
        loads.append(model_path)
        threading.Event().wait(0.05)  # a real load takes about 2 s
        return object()

    monkeypatch.setattr(recognizer_module.vosk, "Model", slow_model)
    monkeypatch.setattr(recognizer_module.vosk, "KaldiRecognizer", lambda model, rate: None)
    got = []
    threads = [threading.Thread(target=lambda: got.append(load_model(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1 and len(got) == 8 and all(m is got[0] for m in got)
    assert load_model(tmp_path / "." / "model") is got[0]  # same model, however it is spelled


@pytest.mark.model
def test_recognizers_for_many_calls_share_one_model(ko_model, ko_model_path):
    assert load_model(ko_model_path) is ko_model
    assert load_model(str(ko_model_path / ".." / "model")) is ko_model


@pytest.mark.model
def test_partial_results_arrive_before_the_final(ko_model, say, line):
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR)
    results = stream(rec, say("영업 시간") + line(1.5))
    kinds = [type(r).__name__ for _, r in results]
    assert kinds[-1] == "Final" and kinds.count("Final") == 1
    assert kinds.count("Partial") >= 1
    assert results[-1][1].text == "영업 시간"
    texts = [r.text for _, r in results[:-1]]
    assert len(set(texts)) == len(texts)  # a Partial only when the words changed


@pytest.mark.model
@pytest.mark.parametrize(
    ("grammar", "silence_s", "at_most_s"), [(GRAMMAR, 1.5, 1.3), (None, 3.0, 2.3)]
)
def test_the_final_comes_at_the_endpoint_after_trailing_silence(
    ko_model, say, line, grammar, silence_s, at_most_s
):
    speech = say("영업 시간")
    speech_end = speech_spans(speech)[-1][1]
    rec = VoskRecognizer(  # Vosk's own endpoint: ours is off
        ko_model, grammar=grammar, endpoint_silence_ms=None, phrase_silence_ms=None
    )
    results = stream(rec, speech + line(silence_s))
    (at, final), *_ = [(t, r) for t, r in results if isinstance(r, Final)]
    assert final.text
    # Vosk's shortest rule waits 0.5 s of silence; no final while the caller is still talking.
    assert speech_end + 0.5 <= at <= speech_end + at_most_s
    assert rec.finish().text == ""  # nothing left over once the endpoint has fired


@pytest.mark.model
def test_a_quiet_line_after_words_closes_the_utterance_even_when_vosk_waits(ko_model, say, line):
    # Free-form, Vosk's own endpoint does not fire within 3 s of this. The quiet before the
    # caller speaks does not count towards the limit.
    audio = line(2.0) + say("사람")
    speech_end = speech_spans(audio)[-1][1]
    rec = VoskRecognizer(ko_model, endpoint_silence_ms=1200)
    results = stream(rec, audio + line(3.0))
    (at, final), *more = [(t, r) for t, r in results if isinstance(r, Final)]
    assert final.text and not more
    assert speech_end + 1.2 - FRAME_S <= at <= speech_end + 1.2 + FRAME_S


@pytest.mark.model
def test_a_caller_who_says_nothing_gets_an_empty_final_after_about_5_seconds(ko_model, line):
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR)
    results = stream(rec, line(3.0) + bytes(16000 * 3))
    [(at, final)] = results
    assert final.text == "" and final.confidence == 0.0 and 4.5 <= at <= 6.0


@pytest.mark.model
def test_words_carry_confidences_between_0_and_1(ko_model, say, line):
    rec = VoskRecognizer(ko_model, endpoint_silence_ms=None)  # the utterance ends at finish()
    stream(rec, say("주문 배송 조회") + line(0.3))
    final = rec.finish()
    assert final.words and final.text == " ".join(w.text for w in final.words)
    assert all(0.0 <= w.confidence <= 1.0 for w in final.words)
    mean = sum(w.confidence for w in final.words) / len(final.words)
    assert final.confidence == pytest.approx(mean)


@pytest.mark.model
# Through μ-law, espeak's "주문 배송 조회" is heard right only some of the time and its "주소"
# not at all; these three are heard right every time.
@pytest.mark.parametrize("phrase", ["상담원", "영업 시간", "사람"])
def test_a_grammar_recognises_its_phrases_exactly(ko_model, say, line, phrase):
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR)
    (final,) = finals(stream(rec, say(phrase) + line(1.5)))
    assert final.text == phrase and not final.off_grammar
    assert final.confidence >= 0.8


@pytest.mark.model
def test_speech_outside_the_grammar_has_no_confidence(ko_model, say, line):
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR)
    results = stream(rec, say("안녕하세요 오늘 날씨가 좋네요") + line(1.5))
    final = (finals(results) or [rec.finish()])[0]
    # Vosk forces the speech onto grammar words, each with confidence near 1.0 ...
    assert final.text not in GRAMMAR
    # ... so the result is marked, and the caller goes to a person rather than a wrong answer.
    assert final.off_grammar and final.confidence == 0.0


@pytest.mark.model
@pytest.mark.parametrize("grammar", [None, GRAMMAR])
def test_line_noise_and_silence_yield_no_words(ko_model, line, grammar):
    rec = VoskRecognizer(ko_model, grammar=grammar)
    results = stream(rec, line(2.0, dbfs=-45) + bytes(16000 * 2))
    results.append((None, rec.finish()))
    assert all(r.text == "" for _, r in results)
    assert all(r.confidence == 0.0 for r in finals(results))


@pytest.mark.model
def test_two_utterances_separated_by_silence_give_two_finals(ko_model, say, line):
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR)
    audio = say("상담원") + line(1.5) + say("영업 시간") + line(1.5, seed=1)
    assert [f.text for f in finals(stream(rec, audio))] == ["상담원", "영업 시간"]


@pytest.mark.model
def test_concurrent_calls_on_one_model_do_not_hear_each_other(ko_model, say, line):
    calls = {phrase: VoskRecognizer(ko_model, grammar=GRAMMAR) for phrase in ("상담원", "사람")}
    audio = {phrase: list(frames(say(phrase) + line(1.5))) for phrase in calls}
    heard: dict[str, list[str]] = {phrase: [] for phrase in calls}
    for step in range(max(map(len, audio.values()))):  # interleaved, frame by frame
        for phrase, rec in calls.items():
            frame = audio[phrase][step] if step < len(audio[phrase]) else frames_of_silence()
            if isinstance(result := rec.accept(frame), Final):
                heard[phrase].append(result.text)
    assert heard == {"상담원": ["상담원"], "사람": ["사람"]}


@pytest.mark.model
def test_grammar_words_outside_the_vocabulary_are_dropped_with_one_warning(
    ko_model, say, line, caplog, capfd
):
    grammar = ["상담원", "뷁뷁뷁 상담원"]
    with caplog.at_level("WARNING", logger="voice.speech.recognizer"):
        rec = VoskRecognizer(ko_model, grammar=grammar)
        VoskRecognizer(ko_model, grammar=grammar)
    (final,) = finals(stream(rec, say("상담원") + line(1.5)))
    assert final.text == "상담원" and not final.off_grammar
    assert len(caplog.records) == 1 and "뷁뷁뷁" in caplog.records[0].getMessage()
    assert "Ignoring word missing in vocabulary" not in capfd.readouterr().err


@pytest.mark.model
@pytest.mark.parametrize("end_ms", [500, 800])
def test_our_endpointer_closes_any_words_after_the_line_is_quiet_that_long(
    ko_model, say, line, end_ms
):
    audio = line(1.0) + say("사람")
    speech_end = speech_spans(audio)[-1][1]
    rec = VoskRecognizer(ko_model, endpoint_silence_ms=end_ms, phrase_silence_ms=None)
    (at, final), *more = [(t, r) for t, r in stream(rec, audio + line(2.0)) if isinstance(r, Final)]
    assert final.text and not more
    assert speech_end + end_ms / 1000 - FRAME_S <= at <= speech_end + end_ms / 1000 + FRAME_S


@pytest.mark.model
def test_a_whole_grammar_phrase_closes_after_the_shorter_phrase_silence(ko_model, say, line):
    audio = line(1.0) + say("영업 시간")
    speech_end = speech_spans(audio)[-1][1]
    rec = VoskRecognizer(ko_model, grammar=GRAMMAR, endpoint_silence_ms=800)
    rec.set_endpointing(800, 300)
    (at, final), *_ = [(t, r) for t, r in stream(rec, audio + line(2.0)) if isinstance(r, Final)]
    assert final.text == "영업 시간" and not final.off_grammar
    assert speech_end + 0.3 - FRAME_S <= at < speech_end + 0.8


class ScriptedKaldi:
    """Vosk's recognizer reduced to a script of partial results, one per 20 ms frame, and
    of its own endpoints: {frame: the words of its Result()}."""

    def __init__(self, partials: list[str], endpoints: dict[int, str] | None = None):
        self.partials, self.step, self.flushed = partials, 0, None
        self.endpoints = endpoints or {}

    def AcceptWaveform(self, _pcm: bytes) -> bool:  # noqa: N802 - Vosk's names
        self.step += 1
        return self.step in self.endpoints

    def Result(self) -> str:  # noqa: N802
        words = self.endpoints[self.step].split()
        return json.dumps({"result": [{"word": w, "conf": 1.0} for w in words]})

    def PartialResult(self) -> str:  # noqa: N802
        return json.dumps({"partial": self.partials[min(self.step, len(self.partials)) - 1]})

    def FinalResult(self) -> str:  # noqa: N802
        self.flushed = self.step
        return json.dumps({"text": self.partials[-1]})

    def SetWords(self, _on: bool) -> None:  # noqa: N802
        pass


def scripted(
    monkeypatch, partials: list[str], endpoints: dict[int, str] | None = None
) -> tuple[VoskRecognizer, ScriptedKaldi]:
    kaldi = ScriptedKaldi(partials, endpoints)
    monkeypatch.setattr(recognizer_module.vosk, "KaldiRecognizer", lambda *_: kaldi)
    phrases = frozenset(["안녕히 계세요", "상담원"])
    monkeypatch.setattr(recognizer_module, "_compile_grammar", lambda *_: ("[]", phrases))
    return VoskRecognizer(object(), grammar=list(phrases)), kaldi


def test_a_phrase_that_is_still_changing_does_not_close_early(monkeypatch):
    # The partial trails the audio: the line went quiet (frame 3) while the decoder still
    # showed a phrase that turned out to be the start of something else.
    loud, quiet = b"\xff\x7f" * 160, bytes(320)
    partials = ["안녕히"] * 2 + ["안녕히 계세요"] * 12 + ["아니 상담원"] * 40
    rec, kaldi = scripted(monkeypatch, partials)
    results = [rec.accept(loud), rec.accept(loud)] + [rec.accept(quiet) for _ in range(40)]
    final = next(r for r in results if isinstance(r, Final))
    assert final.text == "아니 상담원"
    assert kaldi.flushed == 2 + 25  # 500 ms of quiet: the phrase never stood 300 ms


def test_a_phrase_that_stands_through_the_quiet_closes_after_phrase_silence(monkeypatch):
    loud, quiet = b"\xff\x7f" * 160, bytes(320)
    rec, kaldi = scripted(monkeypatch, ["상담원"] * 42)
    results = [rec.accept(loud), rec.accept(loud)] + [rec.accept(quiet) for _ in range(40)]
    assert next(r for r in results if isinstance(r, Final)).text == "상담원"
    assert kaldi.flushed == 2 + 15  # 300 ms of quiet, the phrase unchanged all the while


def test_words_vosk_ends_while_the_caller_is_still_talking_are_not_a_whole_phrase(monkeypatch):
    # Held to a grammar, Vosk takes speech outside it for silence: "배송 상태 알려주세요"
    # ended as "상담원" mid-sentence. The caller goes on talking, so the turn goes on listening,
    # and the words are marked off the grammar (confidence 0), never a request for a person.
    loud, quiet = b"\xff\x7f" * 160, bytes(320)
    rec, _ = scripted(monkeypatch, [""] * 60, endpoints={10: "상담원", 40: "안녕히"})
    results = [rec.accept(loud) for _ in range(30)] + [rec.accept(quiet) for _ in range(20)]
    finals = [r for r in results if isinstance(r, Final)]
    assert [f.text for f in finals] == ["상담원 안녕히"]
    assert results.index(finals[0]) == 39  # Vosk's next endpoint, after the caller stopped
    assert finals[0].off_grammar and finals[0].confidence == 0.0
    assert Partial("상담원") in results  # what was heard so far still shows


def test_a_phrase_vosk_ends_after_the_caller_stops_is_whole(monkeypatch):
    loud, quiet = b"\xff\x7f" * 160, bytes(320)
    rec, _ = scripted(monkeypatch, [""] * 30, endpoints={20: "상담원"})
    results = [rec.accept(loud) for _ in range(10)] + [rec.accept(quiet) for _ in range(15)]
    (final,) = [r for r in results if isinstance(r, Final)]
    assert final.text == "상담원" and not final.off_grammar and final.confidence == 1.0
