"""Per-intent figures for "Where automation hurts": automated path against the human path.

A call is *about* an intent when its first decision named that intent (answered, a failed
lookup, or an intent sent to people), or when the agent's wrap-up said the call was really
about it (`right_target: intent:<name>`). On each intent:

- the *automated path* is the calls about it that ended self-served (no person reached);
- the *human path* is the calls about it in which a person was bridged.

Automation *hurts* an intent when, with at least MIN_CALLS calls on each path, callers on the
automated path call again within 7 days REPEAT_GAP (absolute) more often than after a person;
or when, with at least MIN_SURVEYS ratings on each path, people are rated CSAT_GAP points (of
5) higher than the assistant. Either is enough; `why` says which, with the figures.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.analytics.metrics import bridged
from voice.analytics.scope import Period, call_filter, rate, scoped_ids
from voice.store.models import Call, SurveyResponse, WrapUp
from voice.store.models import Decision as DecisionRow

REPEAT_DAYS = 7
MIN_CALLS = 10  # calls on each path before repeat rates are compared
REPEAT_GAP = 0.10  # automated repeat rate this much above the human one: automation hurts
MIN_SURVEYS = 5  # ratings on each path before CSAT is compared
CSAT_GAP = 0.5  # people rated this much higher (1-5 scale): automation hurts


@dataclass
class _Path:
    calls: int = 0
    repeats: int = 0
    scores: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        csat = round(sum(self.scores) / len(self.scores), 2) if self.scores else None
        return {
            "calls": self.calls,
            "repeat_rate": rate(self.repeats, self.calls),
            "csat": csat,
            "csat_n": len(self.scores),
        }


@dataclass
class _Intent:
    name: str
    volume: int = 0
    self_served: int = 0
    repeats: int = 0
    misroutes: int = 0
    automated: _Path = field(default_factory=_Path)
    human: _Path = field(default_factory=_Path)


def per_intent(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> list[dict]:
    """Return one row per intent, the ones where automation hurts first, then by volume."""
    rows = [_row(item) for item in _collect(session, period, callflow, include_demo).values()]
    return sorted(rows, key=lambda r: (not r["hurts"], -r["volume"], r["intent"]))


def repeat_rate_by_intent(
    session: so.Session, period: Period, callflow: str | None = None, include_demo: bool = False
) -> list[dict]:
    """Return each intent's share of callers who called again within 7 days, by path."""
    out = []
    for item in _collect(session, period, callflow, include_demo).values():
        out.append({
            "intent": item.name,
            "calls": item.volume,
            "repeats": item.repeats,
            "rate": rate(item.repeats, item.volume),
            "automated_rate": rate(item.automated.repeats, item.automated.calls),
            "human_rate": rate(item.human.repeats, item.human.calls),
        })  # fmt: skip
    return sorted(out, key=lambda r: (-(r["rate"] or 0), r["intent"]))


def _collect(
    session: so.Session, period: Period, callflow: str | None, include_demo: bool
) -> dict[str, _Intent]:
    ids = scoped_ids(period, callflow, include_demo)
    first = sa.select(sa.func.min(DecisionRow.id)).where(DecisionRow.call_id.in_(ids))
    calls = session.execute(
        sa.select(
            Call.id,
            Call.from_number,
            Call.started_at,
            Call.outcome,
            DecisionRow.intent,
            bridged(Call.id),
        )  # fmt: skip
        .join(DecisionRow, DecisionRow.call_id == Call.id)
        .where(DecisionRow.id.in_(first.group_by(DecisionRow.call_id)))
    ).all()
    marked, wrong = _wrap_ups(session, ids)
    again = _calls_again(session, period, callflow, include_demo)
    scores = _scores(session, ids)
    items: dict[str, _Intent] = {}
    for call_id, number, started, outcome, intent, person in calls:
        intent = intent or marked.get(call_id)
        if not intent:
            continue
        item = items.setdefault(intent, _Intent(intent))
        repeat = again(number, started)
        item.volume += 1
        item.repeats += repeat
        item.self_served += outcome == "self_served"
        item.misroutes += wrong.get(call_id, False)
        path = item.human if person else item.automated if outcome == "self_served" else None
        if path is not None:
            path.calls += 1
            path.repeats += repeat
            path.scores += scores.get((call_id, "human" if person else "automated"), [])
    return items


def _wrap_ups(session: so.Session, ids: sa.Select) -> tuple[dict[int, str], dict[int, bool]]:
    """Return the intents agents marked calls as really about, and which calls were misrouted."""
    marked, wrong = {}, {}
    rows = session.execute(
        sa.select(WrapUp.call_id, WrapUp.routing_right, WrapUp.right_target).where(
            WrapUp.call_id.in_(ids)
        )
    )
    for call_id, right, target in rows:
        if right is False:
            wrong[call_id] = True
        if target and target.startswith("intent:"):
            marked[call_id] = target.removeprefix("intent:")
    return marked, wrong


def _scores(session: so.Session, ids: sa.Select) -> dict[tuple[int, str], list[int]]:
    found: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = session.execute(
        sa.select(SurveyResponse.call_id, SurveyResponse.path, SurveyResponse.score).where(
            SurveyResponse.call_id.in_(ids)
        )
    )
    for call_id, path, score in rows:
        found[(call_id, path)].append(score)
    return found


def _calls_again(
    session: so.Session, period: Period, callflow: str | None, include_demo: bool
) -> Callable[[str, dt.datetime], bool]:
    """Return a test of whether a number called the line again within 7 days of a call."""
    window = Period(period.start, period.end + dt.timedelta(days=REPEAT_DAYS))
    times: dict[str, list[dt.datetime]] = defaultdict(list)
    rows = session.execute(
        sa.select(Call.from_number, Call.started_at).where(
            call_filter(window, callflow, include_demo)
        )
    )
    for number, started in rows:
        times[number].append(started)
    for found in times.values():
        found.sort()

    def again(number: str, started: dt.datetime) -> bool:
        found = times.get(number, [])
        i = bisect.bisect_right(found, started)
        return i < len(found) and found[i] - started <= dt.timedelta(days=REPEAT_DAYS)

    return again


def _row(item: _Intent) -> dict:
    auto, human = item.automated.as_dict(), item.human.as_dict()
    hurts, why = verdict(auto, human)
    return {
        "intent": item.name,
        "volume": item.volume,
        "self_served_rate": rate(item.self_served, item.volume),
        "repeat_within_7d_rate": rate(item.repeats, item.volume),
        "csat_automated": auto["csat"],
        "csat_human": human["csat"],
        "misroutes": item.misroutes,
        "automated": auto,
        "human": human,
        "hurts": hurts,
        "why": why,
    }


def verdict(auto: dict, human: dict) -> tuple[bool, str]:
    """Apply the rule in the module docstring to two paths' figures; return (hurts, why)."""
    reasons, compared = [], False
    if auto["calls"] >= MIN_CALLS and human["calls"] >= MIN_CALLS:
        compared = True
        if auto["repeat_rate"] - human["repeat_rate"] >= REPEAT_GAP:
            reasons.append(
                f"{auto['repeat_rate']:.0%} of callers the assistant answered called again within "
                f"{REPEAT_DAYS} days, against {human['repeat_rate']:.0%} after a person "
                f"({auto['calls']} and {human['calls']} calls)"
            )
    if auto["csat_n"] >= MIN_SURVEYS and human["csat_n"] >= MIN_SURVEYS:
        compared = True
        if human["csat"] - auto["csat"] >= CSAT_GAP:
            reasons.append(
                f"callers rated the assistant {auto['csat']:.1f} of 5 and people "
                f"{human['csat']:.1f} ({auto['csat_n']} and {human['csat_n']} ratings)"
            )
    if reasons:
        return True, "; ".join(reasons)
    if compared:
        return False, "the assistant does about as well as people here"
    return False, (
        f"too few calls to compare: needs {MIN_CALLS} calls or {MIN_SURVEYS} ratings "
        "on both the automated and the human path"
    )
