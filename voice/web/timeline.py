"""One call's timeline in words: each stored moment as what happened and its details."""

from __future__ import annotations

from collections.abc import Callable

from voice.web.filters import duration, reason

Said = dict[str, str]


def _turn(row: dict, what: str) -> Said:
    heard = row.get("transcript") or ""
    if row.get("dtmf"):
        return {"what": "Caller pressed", "detail": row["dtmf"]}
    if not heard:
        return {"what": "Caller said nothing", "detail": f"({row.get('stage', '')})"}
    sure = row.get("confidence")
    note = f" (confidence {sure:.2f})" if isinstance(sure, float) else ""
    return {"what": "Caller said", "detail": f"“{heard}”{note}", "quote": "yes"}


def _decision(row: dict, what: str) -> Said:
    parts = [reason(row.get("reason"))]
    if row.get("intent"):
        parts.append(f"intent {row['intent']}")
    if row.get("team"):
        parts.append(f"team {row['team']}, {row.get('priority', 'normal')} priority")
    if row.get("say"):
        parts.append(f"said: “{row['say']}”")
    return {"what": f"Assistant decided: {row.get('action', '')}", "detail": "; ".join(parts)}


def _transfer(row: dict, what: str) -> Said:
    if what == "bridged_at":
        return {"what": "Agent on the line", "detail": f"{row.get('target', '')}"}
    if what == "ended_at":
        talk = f", talked {duration(row['talk_s'])}" if row.get("talk_s") is not None else ""
        return {"what": "Transfer ended", "detail": f"{row.get('status', '')}{talk}"}
    detail = f"{row.get('target', '')} for {row.get('team', '')} ({reason(row.get('reason'))})"
    whisper = f"; whisper: “{row['whisper']}”" if row.get("whisper") else ""
    return {"what": "Dialling a person", "detail": detail + whisper}


def _queue(row: dict, what: str) -> Said:
    if what == "bridged_at":
        return {"what": "Taken from the line", "detail": f"agent #{row.get('agent_id')}"}
    if what == "ended_at":
        return {"what": "Left the line", "detail": row.get("status", "")}
    detail = f"team {row.get('team', '')}, {row.get('priority', 'normal')} priority"
    return {"what": "Waiting in line", "detail": detail}


def _callback(row: dict, what: str) -> Said:
    voicemail = row.get("kind") == "voicemail"
    if what == "completed_at":
        return {"what": "Called back", "detail": f"by agent #{row.get('agent_id')}"}
    words = f": “{row['words']}”" if row.get("words") else ""
    what_text = "Voicemail left" if voicemail else "Callback requested"
    return {"what": what_text, "detail": f"{row.get('number', '')}, now {row.get('status')}{words}"}


def _wrap_up(row: dict, what: str) -> Said:
    routing = {True: "routing right", False: "routing wrong", None: "routing not judged"}
    parts = [row.get("disposition", "").replace("_", " "), routing[row.get("routing_right")]]
    if row.get("right_target"):
        parts.append(f"should have been {row['right_target']}")
    if row.get("survey"):
        parts.append(f"{row['survey']} survey requested")
    if row.get("notes"):
        parts.append(f"notes: {row['notes']}")
    return {"what": "Agent wrap-up", "detail": "; ".join(parts)}


def _survey(row: dict, what: str) -> Said:
    path = "the assistant" if row.get("path") == "automated" else "a person"
    detail = f"{row.get('score')} of 5 for {path}, by {row.get('channel', '')}"
    return {"what": "Survey answer", "detail": detail}


def _event(row: dict, what: str) -> Said:
    info = row.get("detail") or {}
    if row.get("kind") == "twiml":
        return {"what": "TwiML sent", "detail": info.get("path", ""), "twiml": info.get("xml", "")}
    shown = ", ".join(f"{k}: {v}" for k, v in info.items() if v not in (None, "", [], {}))
    return {"what": f"Event: {row.get('kind', '').replace('_', ' ')}", "detail": shown}


DESCRIBE: dict[str, Callable[[dict, str], Said]] = {
    "turns": _turn,
    "decisions": _decision,
    "transfers": _transfer,
    "queue_entries": _queue,
    "callbacks": _callback,
    "wrap_ups": _wrap_up,
    "surveys": _survey,
    "events": _event,
}


def describe(moment: dict) -> Said:
    """Return a timeline moment as {"what", "detail"} (and "twiml" for TwiML sent)."""
    said = DESCRIBE.get(moment["kind"])
    if said is None:
        return {"what": moment["kind"], "detail": ""}
    return said(moment["row"], moment["what"])
