"""One demo call's story, drawn at random: what was said, decided, how long the wait, how it ended.

The odds are set so the dashboard tells a true-to-life story: most callers ask about hours
and orders; order_status and price_match answers leave callers unsure (they call back and rate
the assistant low), while people resolve the same questions.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# (action, reason, intent, weight): the first decision of a new caller
FIRST = [
    ("answer", "intent", "store_hours", 17), ("answer", "intent", "order_status", 19),
    ("answer", "intent", "store_address", 7), ("answer", "intent", "return_policy", 8),
    ("answer", "intent", "shipping_times", 6), ("answer", "intent", "gift_cards", 4),
    ("answer", "intent", "price_match", 7), ("answer", "intent", "rentals", 4),
    ("transfer", "lookup_failed", "order_status", 3), ("transfer", "asked_for_human", None, 12),
    ("transfer", "escalation:fraud", None, 2), ("transfer", "escalation:complaint", None, 4),
    ("transfer", "escalation:bereavement", None, 0.6),
    ("transfer", "escalation:product_injury", None, 0.5),
    ("transfer", "escalation:wholesale", None, 1), ("transfer", "frustration", None, 2),
    ("transfer", "no_match", None, 6), ("transfer", "low_confidence", None, 2),
    ("transfer", "silence", None, 2),
]  # fmt: skip
TEAMS = {
    "escalation:fraud": ("security", "urgent"),
    "escalation:complaint": ("care", "high"),
    "escalation:bereavement": ("care", "high"),
    "escalation:product_injury": ("care", "urgent"),
    "escalation:wholesale": ("orders", "normal"),
    "frustration": ("general", "high"),
    "repeat_caller": ("general", "high"),
}
# intent: (share asking something else after the answer, repeat within 7 days, CSAT mean)
QUALITY = {"order_status": (0.25, 0.42, 2.3), "price_match": (0.3, 0.35, 2.6)}
GOOD = (0.07, 0.06, 4.4)
HUMAN = (0.08, 4.4)  # after a person: repeat within 7 days, CSAT mean
SAID = {
    "store_hours": "what time do you close today",
    "order_status": "where is my order",
    "store_address": "where is the store",
    "return_policy": "how do i return something",
    "shipping_times": "how long does shipping take",
    "gift_cards": "do you sell gift cards",
    "price_match": "do you price match",
    "rentals": "can i rent a kayak",
    "asked_for_human": "agent please",
    "escalation:fraud": "someone used my card",
    "escalation:complaint": "i want to make a complaint",
    "escalation:bereavement": "my husband passed away",
    "escalation:product_injury": "the ladder broke and i got hurt",
    "escalation:wholesale": "do you have wholesale pricing",
    "frustration": "this is ridiculous i've been trying all day",
    "no_match": "can you hold a sleeping bag for me",
    "low_confidence": "uh the the thing",
    "repeat_caller": "i called earlier about my order",
    "silence": "",
}
MISROUTE_TO = ["team:orders", "team:care", "intent:order_status", "intent:price_match"]


@dataclass
class Story:
    """One call as rows to insert: the call's fields and its children's, without ids yet."""

    call: dict
    turns: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    transfers: list[dict] = field(default_factory=list)
    queue: list[dict] = field(default_factory=list)
    callbacks: list[dict] = field(default_factory=list)
    wrap_ups: list[dict] = field(default_factory=list)
    surveys: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    intent: str | None = None
    reached_person: bool = False


def score(rng: random.Random, mean: float) -> int:
    """Draw a 1-5 rating around `mean`."""
    return max(1, min(5, round(rng.gauss(mean, 0.9))))


def first_decision(rng: random.Random) -> tuple[str, str, str | None]:
    """Draw what a new caller wants."""
    action, reason, intent, _ = rng.choices(FIRST, weights=[f[3] for f in FIRST])[0]
    return action, reason, intent


def repeat_odds(story: Story) -> float:
    """Return the chance this caller calls again within 7 days."""
    if story.reached_person:
        return HUMAN[0]
    return QUALITY.get(story.intent or "", GOOD)[1] if story.intent else 0.1


@dataclass(frozen=True)
class Moment:
    """When a call comes in: the time, whether people answer, how busy the floor is."""

    at: dt.datetime
    is_open: bool
    rush: float  # queue waits are this many times the usual
    now: dt.datetime  # nothing that would happen later is written (callbacks stay open)


def tell(rng: random.Random, when: Moment, number: str, first: tuple) -> Story:
    """Draw one call that starts at `when` with the decision `first`."""
    at = when.at
    action, reason, intent = first
    story = Story(
        call={
            "sid": f"CADEMO{rng.getrandbits(64):016x}",
            "from_number": number,
            "to_number": "+15005550100",
            "callflow": "acme-outfitters",
            "speech": "vosk",
            "demo": True,
            "started_at": at,
            "stage": "done",
        },
        intent=intent,
    )
    heard = at + dt.timedelta(seconds=rng.uniform(6, 14))
    story.call["decided_at"] = heard
    _turn(story, "greeting", SAID.get(intent or reason, ""), heard, rng)
    story.events.append({"kind": "incoming", "detail": {"from": number}, "at": at})
    end = heard
    if action == "answer":
        _decide(story, "answer", reason, intent, "general", "normal", heard)
        later = heard + dt.timedelta(seconds=rng.uniform(15, 30))
        if rng.random() < QUALITY.get(intent, GOOD)[0]:
            _turn(story, "followup", "i still need help with that", later, rng)
            end = _to_person(rng, story, "followup", later, when)
        else:
            _turn(story, "followup", "no thanks", later, rng)
            _decide(story, "hangup", "done", None, None, "normal", later)
            story.call["outcome"], end = "self_served", later + dt.timedelta(seconds=4)
            if rng.random() < 0.3:
                rating = score(rng, QUALITY.get(intent, GOOD)[2])
                _survey(story, rating, rng.choice(["dtmf", "voice"]), "automated", end)
    else:
        end = _to_person(rng, story, reason, heard, when)
    story.call.update(ended_at=end, status="completed", duration_s=int((end - at).total_seconds()))
    story.events.append({"kind": "status", "detail": {"status": "completed"}, "at": end})
    return story


def _turn(story: Story, stage: str, said: str, at: dt.datetime, rng: random.Random) -> None:
    confidence = round(rng.uniform(0.3, 0.45) if "uh" in said else rng.uniform(0.7, 0.97), 2)
    story.turns.append(
        {
            "stage": stage,
            "transcript": said,
            "source": "vosk",
            "confidence": confidence if said else None,
            "created_at": at,
        }
    )


def _decide(
    story: Story,
    action: str,
    reason: str,
    intent: str | None,
    team: str | None,
    priority: str,
    at: dt.datetime,
) -> None:
    story.decisions.append(
        {
            "action": action,
            "reason": reason,
            "intent": intent,
            "team": team,
            "priority": priority,
            "created_at": at,
        }
    )
    story.events.append(
        {
            "kind": "decision",
            "at": at,
            "detail": {"action": action, "reason": reason, "intent": intent},
        }
    )


def _to_person(
    rng: random.Random, story: Story, reason: str, at: dt.datetime, when: Moment
) -> dt.datetime:
    """Send the caller to a person: in line when open, else a callback or a voicemail."""
    team, priority = TEAMS.get(reason, ("general", "normal"))
    _decide(story, "transfer", reason, story.intent, team, priority, at)
    entry = {
        "callflow": "acme-outfitters",
        "team": team,
        "language": "en-US",
        "reason": reason,
        "priority": priority,
        "rank": ("urgent", "high", "normal").index(priority),
        "enqueued_at": at,
    }
    if not when.is_open:
        story.events.append({"kind": "closed", "detail": {"team": team}, "at": at})
        choice = rng.random()
        story.call["outcome"] = "abandoned"
        if choice < 0.7:
            kind = "callback" if choice < 0.45 else "voicemail"
            _callback(rng, story, team, reason, kind, at, when.now)
            story.call["outcome"] = "callback_requested" if kind == "callback" else "voicemail"
        return at + dt.timedelta(seconds=rng.uniform(20, 60))
    wait = rng.lognormvariate(3.3, 0.8) * when.rush
    patience = rng.expovariate(1 / 260)
    if wait > patience:
        gone = at + dt.timedelta(seconds=patience)
        asked = rng.random() < 0.25
        entry.update(status="callback" if asked else "abandoned", ended_at=gone)
        story.queue.append(entry)
        if asked:
            _callback(rng, story, team, reason, "callback", gone, when.now)
        story.call["outcome"] = "callback_requested" if asked else "abandoned"
        return gone
    picked = at + dt.timedelta(seconds=wait)
    bridged = picked + dt.timedelta(seconds=rng.uniform(4, 12))
    talk = int(rng.uniform(60, 540))
    done = bridged + dt.timedelta(seconds=talk)
    entry.update(status="bridged", bridged_at=bridged, ended_at=done)
    story.queue.append(entry)
    story.transfers.append(
        {
            "team": team,
            "target": "+15005550101",
            "priority": priority,
            "reason": reason,
            "status": "completed",
            "created_at": picked,
            "bridged_at": bridged,
            "ended_at": done,
            "talk_s": talk,
        }
    )
    story.call["outcome"], story.reached_person = "transferred", True
    _wrap_up(rng, story, done)
    return done


def _callback(
    rng: random.Random,
    story: Story,
    team: str,
    reason: str,
    kind: str,
    at: dt.datetime,
    now: dt.datetime,
) -> None:
    done_at = at + dt.timedelta(hours=rng.uniform(1, 20))
    status = "completed" if done_at < now and rng.random() < 0.8 else "requested"
    story.callbacks.append(
        {
            "callflow": "acme-outfitters",
            "number": story.call["from_number"],
            "words": story.turns[0]["transcript"],
            "reason": reason,
            "team": team,
            "kind": kind,
            "status": status,
            "demo": True,
            "requested_at": at,
            "completed_at": done_at if status == "completed" else None,
        }
    )


def _wrap_up(rng: random.Random, story: Story, at: dt.datetime) -> None:
    if rng.random() > 0.85:  # some agents skip the form
        return
    wrong = rng.random() < 0.07
    survey = rng.choices([None, "sms", "voice"], weights=[55, 35, 10])[0]
    story.wrap_ups.append(
        {
            "disposition": "resolved" if rng.random() < 0.82 else "follow_up",
            "routing_right": not wrong,
            "demo": True,
            "survey": survey,
            "right_target": rng.choice(MISROUTE_TO) if wrong else None,
            "notes": "",
            "created_at": at,
        }
    )
    if survey and rng.random() < 0.55:
        _survey(story, score(rng, HUMAN[1]), survey, "human", at + dt.timedelta(minutes=5))


def _survey(story: Story, rating: int, channel: str, path: str, at: dt.datetime) -> None:
    story.surveys.append(
        {
            "channel": channel,
            "path": path,
            "score": rating,
            "raw": str(rating),
            "demo": True,
            "created_at": at,
        }
    )
