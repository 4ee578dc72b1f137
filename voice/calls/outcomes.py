"""How a call ended for the caller: the one definition of each outcome, its words, its judge.

Every page, chart, table, CSV, filter and the console's caller history read `Call.outcome`,
which `judge()` alone writes, and name it with `words()`. The analytics count the same codes.

- `self_served`: the assistant answered and the caller never asked for a person;
- `transferred`: a person came on the line;
- `callback_requested`: the caller asked to be called back (in line, or out of hours);
- `voicemail`: the caller left a message;
- `unanswered`: every number dialled for them rang out or was busy;
- `abandoned`: the caller hung up first: before the assistant decided, or before a person.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.store.models import Call, Callback, Transfer
from voice.store.models import Decision as DecisionRow

OUTCOMES = {  # in the order pages list them
    "self_served": "Self-served",
    "transferred": "Reached a person",
    "callback_requested": "Callback requested",
    "voicemail": "Left a voicemail",
    "unanswered": "No one answered",
    "abandoned": "Hung up",
}
IN_PROGRESS = "Still on the line"  # no final status yet: no outcome
# every outcome of a caller the assistant sent to a person
PERSON_PATH = ("transferred", "callback_requested", "voicemail", "unanswered", "abandoned")
# the end of the agent's whisper about this caller's earlier call: "They called 2 hours ago, …"
AFTERWARDS = {
    "self_served": "answered by the assistant",
    "transferred": "and spoke with a person",
    "callback_requested": "and asked to be called back",
    "voicemail": "and left a voicemail",
    "unanswered": "but no one answered",
    "abandoned": "and hung up before reaching anyone",
}


def words(code: str | None) -> str:
    """Return an outcome as the pages say it: "callback_requested" reads "Callback requested"."""
    if not code:
        return IN_PROGRESS
    return OUTCOMES.get(code, code.replace("_", " ").capitalize())


def code_for(text: str) -> str | None:
    """Return the outcome a filter names, by its code or its words in any case; None if none."""
    wanted = " ".join(text.split()).casefold()
    for code, label in OUTCOMES.items():
        if wanted in (code, label.casefold(), code.replace("_", " ")):
            return code
    return None


def decided(call_id: int | sa.ColumnElement[int], action: str) -> sa.Exists:
    """Return EXISTS: the assistant decided `action` ("answer", "transfer") for this call."""
    return sa.exists().where(DecisionRow.call_id == call_id, DecisionRow.action == action)


def sent_to_person(call_id: int | sa.ColumnElement[int]) -> sa.Exists:
    """Return EXISTS: the assistant decided to send this call to a person."""
    return decided(call_id, "transfer")


def judge(s: so.Session, call: Call) -> str:
    """Return how the call ended for the caller (see the module docstring)."""
    transfers = s.scalars(sa.select(Transfer).where(Transfer.call_id == call.id)).all()
    if any(t.bridged_at for t in transfers):
        return "transferred"
    kinds = set(s.scalars(sa.select(Callback.kind).where(Callback.call_id == call.id)))
    if "voicemail" in kinds:
        return "voicemail"
    if "callback" in kinds:
        return "callback_requested"
    if transfers and all(t.status != "dialing" for t in transfers):
        return "unanswered"  # every dial ended without a person
    if transfers or s.scalar(sent_to_person(call.id).select()):
        return "abandoned"  # hung up in line, while ringing, or during the handoff
    return "self_served" if s.scalar(decided(call.id, "answer").select()) else "abandoned"
