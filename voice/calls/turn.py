"""One listening turn: turns recognizer results, keys and time into a single decision.

Pure state machine: no threads, no I/O, no clock. The stream runner feeds it; tests drive it
directly. It enforces the caller's rights that depend on timing: a person on request at any
moment (partial results and keys, during the greeting too), one try, silence goes to a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from voice.flow.model import Callflow
from voice.flow.types import CallerContext, Decision, Utterance
from voice.speech.types import Final

DecideFn = Callable[[Callflow, Utterance, CallerContext], Decision]
HumanFn = Callable[[Callflow, str], bool]


@dataclass(frozen=True, slots=True)
class TurnResult:
    """How a turn ended: the decision (None if the caller hung up) and what was heard."""

    decision: Decision | None
    utterance: Utterance
    source: str  # vosk | text | dtmf | none
    speech_end_ms: int | None
    decided_ms: int


class ListeningTurn:
    """Decide once per turn, as early as the caller's words allow."""

    def __init__(
        self,
        callflow: Callflow,
        context: CallerContext,
        decide: DecideFn,
        is_human_request: HumanFn,
        *,
        prompt_ms: int = 0,
        silence_timeout_ms: int = 6000,
        max_utterance_ms: int = 15000,
        confirm_ms: int = 300,
        only_asks_for_human: HumanFn | None = None,
        without_person_words: Callable[[Callflow, str], str] | None = None,
    ):
        self.callflow, self.context = callflow, context
        self._decide, self._is_human = decide, is_human_request
        # Given when the recognizer is held to the line's grammar: it then puts any speech into
        # the line's words, a person word among them ("배송 상태 알려주세요" was heard as
        # "받 직원 영업 계세요", and a partial result showed "직원" alone mid-sentence). So
        # partial results transfer no one: the recognizer closes a whole phrase ("상담원")
        # after a short quiet once it stood unchanged (VoskRecognizer.phrase_silence_ms), and
        # a request for a person is trusted from a result only when it is all the caller said.
        self._only_human = only_asks_for_human
        self._unasked = without_person_words
        self.prompt_ms = prompt_ms  # the greeting/prompt we are playing; silence counts after it
        self.silence_timeout_ms = silence_timeout_ms
        self.max_utterance_ms = max_utterance_ms
        # A partial hypothesis can flicker through a word (grammar mode forces speech onto the
        # line's phrases), so a request for a person heard in partials must hold this long.
        self.confirm_ms = confirm_ms
        self._human_since: int | None = None
        self._source = "vosk"
        self.result: TurnResult | None = None
        self.barged_in = False  # caller spoke over the prompt: the runner stops playback
        self._speech_start: int | None = None
        self._last_change: int | None = None
        self._partial = ""
        self._heard: Utterance | None = None  # the utterance being decided, kept if decide fails

    @property
    def done(self) -> bool:
        """Return True once the turn has its one decision (or the caller left)."""
        return self.result is not None

    def on_partial(self, text: str, at_ms: int, source: str = "vosk") -> None:
        """Note words heard so far; a request for a person held `confirm_ms` transfers.

        Not on a line held to its grammar, where a partial is a guess (see __init__).
        """
        if self.done or not text or text == self._partial:
            return
        self._partial = text
        self._last_change = at_ms
        if self._speech_start is None:
            self._speech_start = at_ms
            self.barged_in = at_ms < self.prompt_ms
        self._source = source
        if self._only_human is not None or not self._is_human(self.callflow, text):
            self._human_since = None
        elif self._human_since is None:
            self._human_since = at_ms
        self._confirm_human(at_ms)

    def on_final(self, final: Final, at_ms: int, source: str = "vosk") -> None:
        """Decide on a closed utterance; an empty one (noise) keeps listening."""
        if self.done:
            return
        if not final.text.strip():
            self._partial, self._speech_start = "", None
            return
        self._last_change = self._last_change or at_ms
        utterance = Utterance(text=final.text, confidence=final.confidence, words=final.words)
        guessed = (
            final.off_grammar
            and self._only_human is not None
            and not self._only_human(self.callflow, final.text)
        )
        self._finish(utterance, source, at_ms, self._without_person_words(utterance, guessed))

    def on_dtmf(self, digit: str, at_ms: int) -> None:
        """Any key reaches a person (right 3)."""
        if not self.done:
            self._finish(Utterance(text="", dtmf=digit), "dtmf", at_ms)

    def on_time(self, at_ms: int) -> bool:
        """Advance stream time; return True when the runner should flush a too-long utterance."""
        if self.done:
            return False
        self._confirm_human(at_ms)
        if self.done:
            return False
        if self._speech_start is None:
            if at_ms >= self.prompt_ms + self.silence_timeout_ms:
                self._finish(Utterance(text="", confidence=0.0), "none", at_ms)
            return False
        return at_ms - self._speech_start >= self.max_utterance_ms

    def on_hangup(self, at_ms: int) -> None:
        """End the turn because the caller left before a decision."""
        if not self.done:
            heard = Utterance(text=self._partial)
            self.result = TurnResult(None, heard, "none", self._last_change, at_ms)

    def fail(self, decision: Decision, at_ms: int) -> TurnResult:
        """End the turn with a fallback decision after an internal fault, keeping what was heard.

        What the caller said is kept even when deciding on it was the fault, so the agent and
        the call record still have the caller's words. Return the turn's result.
        """
        if self.result is None:
            heard = self._heard or Utterance(text=self._partial)
            self.result = TurnResult(decision, heard, "none", self._last_change, at_ms)
        return self.result

    def _without_person_words(self, utterance: Utterance, guessed: bool) -> Utterance:
        """Return what to decide on: a grammar's guessed person and team words left out.

        The caller still reaches a person when the rest is unsure (an off-grammar result has
        confidence 0), but as not understood, and with the topic the other words may name.
        """
        if not guessed or self._unasked is None:
            return utterance
        text = self._unasked(self.callflow, utterance.text)
        if text == utterance.text:
            return utterance
        left = text.split()
        words = []
        for word in utterance.words:  # the words kept, in order
            if left and word.text == left[0]:
                words.append(word)
                left.pop(0)
        return Utterance(text=text, confidence=utterance.confidence, words=tuple(words))

    def _confirm_human(self, at_ms: int) -> None:
        if self._human_since is not None and at_ms - self._human_since >= self.confirm_ms:
            self._finish(Utterance(text=self._partial), self._source, at_ms)

    def _finish(
        self, utterance: Utterance, source: str, at_ms: int, decide_on: Utterance | None = None
    ) -> None:
        self._heard = utterance
        decision = self._decide(self.callflow, decide_on or utterance, self.context)
        self.result = TurnResult(decision, utterance, source, self._last_change, at_ms)
