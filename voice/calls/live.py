"""Drive one listening turn of a live call: prompt, recognizer, decision, stored plan."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from voice.calls.service import CallService
from voice.calls.speech import Prompts, SpeechProvider
from voice.calls.stream import StreamRunner, StreamStalled, Transport
from voice.calls.turn import ListeningTurn
from voice.errors import ModelError
from voice.flow import decide, is_human_request, transfer
from voice.flow.model import Callflow
from voice.flow.signals import only_asks_for_human, without_person_words
from voice.speech.recognizer import VoskRecognizer
from voice.speech.scripted import ScriptedRecognizer
from voice.speech.types import StreamingRecognizer

log = logging.getLogger(__name__)
MS_PER_ULAW_BYTE = 1 / 8  # 8 kHz, one byte a sample


@dataclass(frozen=True, slots=True)
class TurnDeps:
    """What a live turn needs from its process: the call service, speech and the stream's bounds."""

    service: CallService
    prompts: Prompts
    speech: SpeechProvider
    idle_timeout_s: float  # STREAM_IDLE_TIMEOUT_S: Twilio gone quiet
    max_s: float  # STREAM_MAX_S: one turn's longest stream
    gate_speech: bool  # VAD_GATING


def run_turn(transport: Transport, deps: TurnDeps, call_sid: str, stage: str, speech: str) -> None:
    """Listen for one turn and store its plan; any fault stores a plan that reaches a person."""
    turn: ListeningTurn | None = None
    runner: StreamRunner | None = None
    try:
        callflow, context = deps.service.context(call_sid, stage)
        prompt = deps.prompts.greeting(callflow) if stage == "greeting" else None
        if prompt:  # before the recognizer: a cold model must not hold up the greeting
            transport.play(prompt, mark="prompt")
        recognizer = _recognizer(deps, callflow, speech)
        turn = ListeningTurn(
            callflow,
            context,
            decide,
            is_human_request,
            prompt_ms=int(len(prompt) * MS_PER_ULAW_BYTE) if prompt else 0,
            silence_timeout_ms=int(callflow.silence_timeout * 1000),
            # a grammar puts any speech into the line's words: only a whole request counts
            only_asks_for_human=only_asks_for_human if callflow.speech_grammar else None,
            without_person_words=without_person_words if callflow.speech_grammar else None,
        )
        runner = StreamRunner(
            transport,
            turn,
            recognizer,
            allow_simulated_speech=speech == "text",
            idle_timeout_s=deps.idle_timeout_s,
            max_s=deps.max_s,
            gate_speech=deps.gate_speech,
        )
        result = runner.run()
        deps.service.finish_turn(call_sid, stage, result)
    except ModelError as exc:  # a model that failed to load as the call began
        log.warning("turn %s of call %s: %s; connecting a person", stage, call_sid, exc)
        _toward_person(deps, call_sid, stage, turn, runner, "model_missing")
    except StreamStalled as exc:  # Twilio went quiet: free the thread, the action URL dials
        log.warning("turn %s of call %s: %s; connecting a person", stage, call_sid, exc)
        _toward_person(deps, call_sid, stage, turn, runner, "stream_stalled")
    except Exception:  # right 6: the action URL then serves a person
        log.exception("turn %s of call %s failed; connecting a person", stage, call_sid)
        _toward_person(deps, call_sid, stage, turn, runner, "internal_error")


def _toward_person(
    deps: TurnDeps,
    call_sid: str,
    stage: str,
    turn: ListeningTurn | None,
    runner: StreamRunner | None,
    reason: str,
) -> None:
    """Store a plan that reaches a person, with whatever the caller said before the fault."""
    if turn is not None:
        decision = transfer(turn.callflow, reason)
        at_ms = runner.stream_ms if runner else 0
        if turn.result is None:
            result = turn.fail(decision, at_ms)
        else:  # decided, but storing or routing the decision failed
            result = dataclasses.replace(turn.result, decision=decision)
        try:
            deps.service.turn_failed(call_sid, stage, result, reason)
            return
        except Exception:  # the store may be the fault; record the bare fallback
            log.exception("could not store the failed turn of %s", call_sid)
    deps.service.fallback(call_sid, reason)


def _recognizer(deps: TurnDeps, callflow: Callflow, speech: str) -> StreamingRecognizer:
    # A simulated call may still send audio; its text swaps the recognizer when it arrives.
    if speech == "text" and not deps.speech.has_model(callflow.language):
        return ScriptedRecognizer()
    recognizer = deps.speech.recognizer(callflow)
    if isinstance(recognizer, VoskRecognizer):  # the line's own endpoint rules (`listening:`)
        listening = callflow.listening
        recognizer.set_endpointing(listening.end_silence_ms, listening.phrase_silence_ms)
    return recognizer
