"""StreamRunner: decoding off the socket thread, keys at once, faults surface to the caller path."""

import queue

import pytest

from voice.calls.events import Audio, Dtmf, SimulatedSpeech, StreamStopped
from voice.calls.stream import DecoderOverloaded, StreamRunner
from voice.calls.turn import ListeningTurn
from voice.flow.types import CallerContext, Decision
from voice.speech.scripted import ScriptedRecognizer

FRAME = b"\x00" * 320


class ListTransport:
    """Feeds a fixed list of events, then times out; records what the runner sends back."""

    def __init__(self, events):
        self.events = queue.Queue()
        for event in events:
            self.events.put(event)
        self.cleared = 0

    def receive(self, timeout):
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def play(self, ulaw, mark):
        pass

    def clear(self):
        self.cleared += 1


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
