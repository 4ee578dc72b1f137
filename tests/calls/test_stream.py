"""StreamRunner: decoding off the socket thread, keys at once, faults surface to the caller path."""

import pytest

from voice.calls.events import Audio, Dtmf, SimulatedSpeech, StreamStopped
from voice.calls.stream import DecoderOverloaded, StreamRunner
from voice.calls.turn import ListeningTurn
from voice.flow.types import CallerContext, Decision
from voice.speech.scripted import ScriptedRecognizer
from voice.speech.types import Final, Partial

from tests_support import ListTransport

FRAME = b"\x00" * 320


def decide(_cf, utterance, _ctx):
    if utterance.dtmf or "agent" in utterance.text:
        return Decision("transfer", "asked_for_human")
    if not utterance.text:
        return Decision("transfer", "silence")
    return Decision("answer", "intent", say=utterance.text)


def turn(**kwargs):
    return ListeningTurn(object(), CallerContext(), decide, lambda _cf, t: "agent" in t, **kwargs)


def audio(n, start=0):
    return [Audio(FRAME, start + 20 * i) for i in range(n)]


def test_simulated_speech_is_decided_after_trailing_silence():
    events = [SimulatedSpeech("what are your hours"), *audio(150)]
    runner = StreamRunner(
        ListTransport(events), turn(), ScriptedRecognizer(), allow_simulated_speech=True
    )
    result = runner.run()
    assert result.decision.action == "answer"
    assert result.utterance.text == "what are your hours"
    # four words at 250 ms each, then 500 ms of trailing silence
    assert 1480 <= result.decided_ms <= 1540


def test_simulated_speech_is_ignored_unless_the_stream_allows_it():
    events = [SimulatedSpeech("what are your hours"), *audio(400)]
    runner = StreamRunner(
        ListTransport(events), turn(silence_timeout_ms=6000), ScriptedRecognizer()
    )
    assert runner.run().decision.reason == "silence"


def test_talking_over_the_prompt_clears_the_prompt_playback():
    transport = ListTransport([SimulatedSpeech("agent please"), *audio(50)])
    runner = StreamRunner(
        transport, turn(prompt_ms=4000), ScriptedRecognizer(), allow_simulated_speech=True
    )
    result = runner.run()
    assert result.decision.reason == "asked_for_human"
    assert transport.cleared == 1


def test_a_key_press_is_decided_without_waiting_for_audio():
    runner = StreamRunner(ListTransport([*audio(5), Dtmf("0")]), turn(), ScriptedRecognizer())
    result = runner.run()
    assert result.source == "dtmf"


def test_stream_stop_means_the_caller_hung_up():
    runner = StreamRunner(ListTransport([*audio(5), StreamStopped()]), turn(), ScriptedRecognizer())
    assert runner.run().decision is None


class Exploding:
    def accept(self, pcm16):
        raise RuntimeError("decoder crashed")

    def finish(self):
        raise AssertionError("not reached")


def test_a_decoder_crash_is_raised_on_the_socket_thread_for_the_fallback_path():
    runner = StreamRunner(ListTransport(audio(10)), turn(), Exploding())
    with pytest.raises(RuntimeError, match="decoder crashed"):
        runner.run()


class Stuck:
    def __init__(self):
        import threading

        self.gate = threading.Event()

    def accept(self, pcm16):
        self.gate.wait(5)

    def finish(self):
        raise AssertionError("not reached")


def test_a_stalled_decoder_is_reported_as_overloaded_instead_of_buffering_forever():
    stuck = Stuck()
    runner = StreamRunner(ListTransport(audio(40)), turn(), stuck, backlog_ms=200, stall_s=0.2)
    with pytest.raises(DecoderOverloaded):
        runner.run()
    stuck.gate.set()


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class GoesQuiet(ListTransport):
    """Sends its events, then nothing: each empty poll moves the wall clock on a second."""

    def __init__(self, events, clock):
        super().__init__(events)
        self.clock = clock

    def receive(self, timeout):
        event = super().receive(0)
        if event is None:
            self.clock.now += 1.0
        return event


def test_a_stream_that_stops_sending_audio_ends_the_turn_instead_of_holding_the_thread():
    from voice.calls.stream import StreamStalled

    clock = Clock()
    runner = StreamRunner(GoesQuiet(audio(10), clock), turn(), ScriptedRecognizer(),
                          idle_timeout_s=5, clock=clock)  # fmt: skip
    with pytest.raises(StreamStalled, match="no audio"):
        runner.run()
    assert clock.now == 5.0  # gave up after exactly the idle limit of quiet
    assert runner.stream_ms == 180


def test_a_turn_that_runs_past_its_wall_clock_limit_ends_even_while_audio_flows():
    from voice.calls.stream import StreamStalled

    clock = Clock()

    class Ticking(ListTransport):
        def receive(self, timeout):
            clock.now += 0.02
            return super().receive(timeout)

    endless = audio(20_000)  # far longer than the limit; the silence timer is off
    runner = StreamRunner(Ticking(endless), turn(silence_timeout_ms=10**9), ScriptedRecognizer(),
                          max_s=10, clock=clock)  # fmt: skip
    with pytest.raises(StreamStalled, match="10s limit"):
        runner.run()


def test_a_decide_fault_keeps_the_callers_words_for_the_fallback():
    def broken(_cf, utterance, _ctx):
        raise RuntimeError("decide blew up")

    listening = ListeningTurn(object(), CallerContext(), broken, lambda _cf, _t: False)
    runner = StreamRunner(
        ListTransport([SimulatedSpeech("where is my order"), *audio(150)]),
        listening,
        ScriptedRecognizer(),
        allow_simulated_speech=True,
    )
    with pytest.raises(RuntimeError):
        runner.run()
    listening.fail(Decision("transfer", "internal_error"), runner.stream_ms)
    assert listening.result.utterance.text == "where is my order"
    assert listening.result.decision.reason == "internal_error"


# --- voice activity gating -----------------------------------------------------------------


def voiced_frame():
    """20 ms of a buzzy 150 Hz tone: WebRTC's VAD calls it speech."""
    import numpy as np

    t = np.arange(160) / 8000
    wave = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 12)) * 6000
    return wave.astype("<i2").tobytes()


class Counting:
    """A recognizer that hears "agent" in speech-like frames; it counts what it is fed."""

    def __init__(self):
        self.fed = []

    def accept(self, pcm16):
        self.fed.append(pcm16)
        return Partial("agent") if pcm16 != FRAME else None

    def finish(self):
        return Final("")


def test_a_quiet_line_is_not_decoded_yet_the_silence_timeout_still_reaches_a_person():
    recognizer = Counting()
    runner = StreamRunner(
        ListTransport(audio(400)), turn(silence_timeout_ms=6000), recognizer, gate_speech=True
    )
    result = runner.run()
    assert result.decision.reason == "silence"
    assert result.decided_ms == 6000  # stream time ran on while nothing was decoded
    assert recognizer.fed == []


def test_speech_over_the_greeting_is_decoded_at_once_with_the_quiet_before_it():
    loud = voiced_frame()
    events = [*audio(50), *(Audio(loud, 1000 + 20 * i) for i in range(30)), *audio(100, 1600)]
    transport, recognizer = ListTransport(events), Counting()
    result = StreamRunner(transport, turn(prompt_ms=4000), recognizer, gate_speech=True).run()
    assert result.decision.reason == "asked_for_human"
    assert transport.cleared == 1  # the greeting stopped
    assert recognizer.fed[:25] == [FRAME] * 25  # 500 ms of pre-roll, then the speech
    assert recognizer.fed[25] == loud
    assert result.decided_ms == 1020 + 300  # the first word's frame, plus the usual confirm


def test_without_gating_every_frame_is_decoded():
    recognizer = Counting()
    runner = StreamRunner(ListTransport(audio(400)), turn(silence_timeout_ms=6000), recognizer)
    assert runner.run().decision.reason == "silence"
    assert len(recognizer.fed) == 300  # every frame up to the 6 s silence timeout


def test_simulated_speech_over_a_gated_recognizer_is_timed_as_without_gating():
    events = [SimulatedSpeech("what are your hours"), *audio(150)]
    runner = StreamRunner(
        ListTransport(events), turn(), Counting(), allow_simulated_speech=True, gate_speech=True
    )
    result = runner.run()
    assert result.utterance.text == "what are your hours"
    assert 1480 <= result.decided_ms <= 1540  # as test_simulated_speech_is_decided_after_…
    assert runner.gate is None
