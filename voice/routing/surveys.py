"""Send the rating question an agent asked for at wrap-up, through the SurveySender port."""

from __future__ import annotations

import logging

from voice.routing.ports import CallControlError, LineBook, SurveySender
from voice.store.db import Database
from voice.store.models import Call, CallEvent

log = logging.getLogger(__name__)
CHANNELS = ("sms", "voice")


def sms_text(business: str) -> str:
    """Return the survey text message."""
    return (
        f"{business}: thanks for calling today. How did we do? "
        "Reply with a number from 1 (poor) to 5 (great)."
    )


def send_survey(
    db: Database, lines: LineBook, sender: SurveySender, call_id: int, channel: str
) -> bool:
    """Send the survey for a call to its caller; note it on the timeline; False if it failed."""
    with db.session() as s:
        call = s.get_one(Call, call_id)
        callflow = lines.by_name(call.callflow) if call.callflow in lines.names else None
        line = callflow.numbers[0] if callflow is not None and callflow.numbers else call.to_number
        business = callflow.business.name if callflow is not None else "We"
        to = call.from_number
    try:  # outside the transaction: a slow provider never holds a database lock
        if channel == "sms":
            sid = sender.sms(to, line, sms_text(business))
        else:
            sid = sender.voice(to, line, call_id)
    except CallControlError as exc:
        log.warning("survey for call %s not sent: %s", call_id, exc)
        _note(db, call_id, "survey_failed", {"channel": channel, "error": str(exc)})
        return False
    _note(db, call_id, "survey_sent", {"channel": channel, "sid": sid})
    return True


def _note(db: Database, call_id: int, kind: str, detail: dict) -> None:
    with db.session() as s:
        s.add(CallEvent(call_id=call_id, kind=kind, detail=detail))
