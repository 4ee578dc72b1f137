"""One call's story: each stored moment as a plain sentence, in order, as an admin would tell it.

What the caller heard comes from the TwiML the service actually answered with (`heard`), so
an after-hours call reads "Our team isn't available…", never the handoff it did not play.
Moments stored twice (a decision's event beside its row) are told once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from voice.flow import titles
from voice.flow.model import Callflow
from voice.web.filters import duration
from voice.web.heard import read_twiml
from voice.web.tables import Column, Table

Said = dict[str, str]
Teller = Callable[[dict, str, Callflow | None], Said | None]

# events that repeat a row the timeline already tells (the decision, queue, callback, rating)
TOLD_BY_ROWS = frozenset({"decision", "dequeued", "left_queue", "callback_requested",
                          "voicemail", "survey_answered"})  # fmt: skip
STAGES = {"greeting": "after the greeting", "followup": "after the answer"}
PRIORITIES = {"urgent": "urgent", "high": "high priority", "normal": "normal priority"}
DIAL_ENDS = {
    "completed": "The conversation with the agent ended",
    "answered": "The conversation with the agent ended",
    "no-answer": "Nobody answered",
    "busy": "The line rang busy",
    "failed": "The call to the agent failed",
    "canceled": "The caller hung up before anyone answered",
}
CALL_ENDS = {
    "completed": "The call ended.",
    "busy": "The call ended: busy.",
    "no-answer": "The call ended unanswered.",
    "failed": "The call failed.",
    "canceled": "The caller hung up before the call was answered.",
}
LEFT_LINE = {
    "abandoned": "The caller hung up while waiting in line.",
    "callback": "The caller left the line, asking to be called back.",
    "fallback": "The wait ran long, so the call went to the line's fallback number.",
}
CALLBACKS = {
    "requested": "waiting to be called back",
    "dialing": "an agent is calling back now",
    "completed": "called back",
    "failed": "the call back did not get through; it is waiting again",
}
GREETED = "/twilio/voice"  # the first webhook: a stream with no <Say> plays the greeting itself
CHANNELS = {"dtmf": "on the keypad", "voice": "by voice", "sms": "by text message"}


def _turn(row: dict, what: str, line: Callflow | None) -> Said:
    stage = STAGES.get(row.get("stage", ""), "")
    if row.get("dtmf"):
        return {"what": f"The caller pressed {row['dtmf']} {stage}".strip() + "."}
    if not row.get("transcript"):
        return {"what": f"The caller said nothing {stage}".strip() + "."}
    sure = row.get("confidence")
    heard = f"heard with {sure:.0%} confidence" if isinstance(sure, float) else ""
    return {"what": "The caller said:", "heard": row["transcript"], "detail": heard}


def _decision(row: dict, what: str, line: Callflow | None) -> Said:
    topic = titles.topic(line, row.get("intent"))
    why = titles.reason(row.get("reason"), line)
    if row.get("action") == "answer":
        return {"what": f"The assistant answered by itself: {topic or why}."}
    if row.get("action") == "hangup":
        return {"what": "The caller had nothing more to ask; the assistant said goodbye."}
    team = titles.team(line, row.get("team"))
    about = f", about {topic}" if topic else ""
    priority = PRIORITIES.get(row.get("priority") or "normal", "")
    return {
        "what": f"The assistant decided a person should take the call: {why}{about}.",
        "detail": f"{team} team, {priority}" if team else priority,
    }


def _transfer(row: dict, what: str, line: Callflow | None) -> Said:
    target = row.get("target") or "the line's fallback number"
    if what == "bridged_at":
        return {"what": f"An agent answered at {target}: the caller was connected."}
    if what == "ended_at":
        ended = DIAL_ENDS.get(row.get("status") or "", f"The dial ended ({row.get('status')})")
        talk = f" after {duration(row['talk_s'])}" if row.get("talk_s") else ""
        return {"what": f"{ended}{talk}."}
    team = titles.team(line, row.get("team"))
    rang = f"Rang {target} for the {team} team" if team else f"Rang {target}"
    if row.get("whisper"):
        return {"what": f"{rang}; the agent heard first:", "heard": row["whisper"]}
    return {"what": f"{rang}."}


def _queue(row: dict, what: str, line: Callflow | None) -> Said | None:
    waited = _seconds(row.get("enqueued_at"), row.get(what))
    after = f" after {duration(waited)}" if waited and waited >= 1 else ""
    if what == "bridged_at":
        return {"what": f"An agent took the call from the {_team_s(line, row)} queue{after}."}
    if what == "ended_at":
        left = LEFT_LINE.get(row.get("status") or "")
        return {"what": left, "detail": f"waited {duration(waited)}"} if left else None
    priority = PRIORITIES.get(row.get("priority") or "normal", "")
    return {"what": f"The call joined the {_team_s(line, row)} queue, {priority}."}


def _team_s(line: Callflow | None, row: dict) -> str:
    return f"{titles.team(line, row.get('team'))} team's"


def _seconds(start: str | None, end: str | None) -> float | None:
    """Return the seconds between two stored times (ISO text), None when either is missing."""
    if not start or not end:
        return None
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()


def _callback(row: dict, what: str, line: Callflow | None) -> Said:
    if what == "completed_at":
        return {"what": "An agent called the caller back."}
    status = CALLBACKS.get(row.get("status") or "", row.get("status") or "")
    if row.get("kind") == "voicemail":
        words = (row.get("words") or "").partition("voicemail: ")[2]
        said = {"what": "The caller left a voicemail.", "detail": status}
        return said | ({"heard": words} if words else {})
    number = row.get("number") or "their number"
    return {"what": f"The caller asked to be called back at {number}.", "detail": status}


def _wrap_up(row: dict, what: str, line: Callflow | None) -> Said:
    done = {"resolved": "resolved", "follow_up": "needs follow-up"}.get(row.get("disposition"), "")
    right = row.get("routing_right")
    judged = {True: "the routing was right", False: "the routing was wrong", None: ""}[right]
    target = row.get("right_target") or ""
    kind, _, key = target.partition(":")
    if key:
        better = titles.team(line, key) + " team" if kind == "team" else titles.topic(line, key)
        judged += f"; it should have gone to {better}"
    parts = [p for p in (done, judged) if p]
    if row.get("survey"):
        parts.append(f"a rating was asked for {CHANNELS.get(row['survey'], row['survey'])}")
    said = {
        "what": f"The agent wrapped up: {'; '.join(parts)}." if parts else "The agent wrapped up."
    }
    return said | ({"detail": f"Notes: {row['notes']}"} if row.get("notes") else {})


def _survey(row: dict, what: str, line: Callflow | None) -> Said:
    who = "the assistant" if row.get("path") == "automated" else "the person who helped"
    channel = CHANNELS.get(row.get("channel") or "", "")
    return {"what": f"The caller rated {who} {row.get('score')} of 5 {channel}".strip() + "."}


def _event(row: dict, what: str, line: Callflow | None) -> Said | None:
    kind, info = row.get("kind", ""), row.get("detail") or {}
    if kind in TOLD_BY_ROWS:
        return None
    if kind == "twiml":
        return _played(info, line)
    tell = EVENTS.get(kind)
    if tell is not None:
        return tell(info, line)
    shown = ", ".join(f"{k}: {v}" for k, v in info.items() if v not in (None, "", [], {}))
    return {"what": f"{titles.words(kind)}.", "detail": shown}


def _played(info: dict, line: Callflow | None) -> Said:
    """Tell what the caller heard and what the line did, from the TwiML sent."""
    xml = info.get("xml", "")
    heard = read_twiml(xml)
    if heard is None:
        return {"what": "The line answered with TwiML it could not read back.", "twiml": xml}
    if heard.listened and not heard.said and line and info.get("path") == GREETED:
        heard.said.append(line.greeting)  # played over the media stream, not in the TwiML
    then = ", then ".join(heard.did)
    if heard.said:
        said = {"what": "The caller heard:", "heard": " ".join(heard.said), "twiml": xml}
        return said | ({"detail": f"Then the line {then}."} if then else {})
    return {"what": f"The line {then or 'answered'}.", "twiml": xml}


EVENTS: dict[str, Callable[[dict, Callflow | None], Said]] = {
    "incoming": lambda info, line: {
        "what": f"The call came in from {info.get('from') or 'an unknown number'}."
    },
    "queued": lambda info, line: {
        "what": f"Everyone on the {titles.team(line, info.get('team'))} team was busy, "
        "so the caller waited in line.",
    },
    "closed": lambda info, line: {
        "what": f"Outside the {titles.team(line, info.get('team'))} team's opening hours: "
        "nobody could take the call.",
        "detail": "The caller is told the opening hours and offered a callback or a voicemail.",
    },
    "status": lambda info, line: {
        "what": CALL_ENDS.get(info.get("status"), f"The call ended ({info.get('status')}).")
    },
    "hung_up": lambda info, line: {
        "what": f"The caller hung up {STAGES.get(info.get('stage'), '')}".strip() + ".",
    },
    "fault": lambda info, line: {
        "what": "Something went wrong, so the call went straight to a person.",
        "detail": titles.reason(info.get("reason")),
    },
    "unanswered": lambda info, line: {"what": "Nobody answered at any number tried."},
    "survey_unclear": lambda info, line: {
        "what": "The caller's rating could not be understood:",
        "heard": info.get("heard") or "",
    },
}

TELLERS: dict[str, Teller] = {
    "turns": _turn,
    "decisions": _decision,
    "transfers": _transfer,
    "queue_entries": _queue,
    "callbacks": _callback,
    "wrap_ups": _wrap_up,
    "surveys": _survey,
    "events": _event,
}


def describe(moment: dict, line: Callflow | None = None) -> Said | None:
    """Return a moment as {"what", and maybe "heard", "detail", "twiml"}; None if told already."""
    tell = TELLERS.get(moment["kind"])
    if tell is None:
        return {"what": titles.words(moment["kind"]) + "."}
    return tell(moment["row"], moment["what"], line)


def timeline_table(moments: list[dict], line: Callflow | None = None) -> Table:
    """Return a call's story as rows: when, what happened, what was heard, details, TwiML."""
    played = any(m["kind"] == "events" and m["row"].get("kind") == "twiml" for m in moments)
    rows = []
    for moment in moments:
        said = describe(moment, line)
        if said is None:
            continue
        row = moment["row"]
        if not played and moment["kind"] == "decisions" and row.get("action") == "answer":
            # a call that kept no TwiML: the answer decided is the best record of what was said
            said |= {"heard": row["say"], "detail": "the answer decided"} if row.get("say") else {}
        if played and row.get("kind") == "closed":
            said.pop("detail")  # the TwiML that follows tells exactly what was said
        rows.append({"at": moment["at"], "kind": moment["kind"], **said})
    columns = [
        Column("at", "When", "clock"),
        Column("what", "What happened"),
        Column("heard", "Words"),
        Column("detail", "Detail"),
        Column("twiml", "TwiML"),
    ]
    return Table("timeline", "What happened", columns, rows)
