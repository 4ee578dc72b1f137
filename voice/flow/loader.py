"""Load callflow files: one, a folder of them, or check them and report every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from voice.errors import CallflowInvalid, CallflowNotFound
from voice.flow.decide import decide
from voice.flow.lexicon import SENSITIVE
from voice.flow.model import Callflow
from voice.flow.report import Report, read_yaml
from voice.flow.text import normalise
from voice.flow.types import CallerContext, Utterance
from voice.flow.validate import build_callflow

SUFFIXES = (".yaml", ".yml")


def check_callflow(path: str | Path) -> tuple[Callflow | None, Report]:
    """Return the callflow (None when invalid) and a report of every error and warning."""
    path = Path(path)
    report = Report(str(path))
    data = read_yaml(path, report)
    callflow = build_callflow(data, report, path) if not report.errors else None
    if callflow is not None:
        _warn_routing(report, callflow)
    report.sort()
    return callflow, report


def load_callflow(path: str | Path) -> Callflow:
    """Return a loaded, indexed callflow; raise CallflowInvalid naming the first problem."""
    callflow, report = check_callflow(path)
    if callflow is None:
        first = report.errors[0]
        more = len(report.errors) - 1
        if more:
            first = CallflowInvalid(
                first.file,
                first.key,
                f"{first.problem} (and {more} more; run `voice callflows check {first.file}`)",
                first.fix,
            )
        raise first
    return callflow


def callflow_files(directory: str | Path) -> list[Path]:
    """Return the callflow files in a folder, sorted; raise CallflowNotFound when it is missing."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CallflowNotFound(f"{directory} is not a folder (set CALLFLOWS_DIR)")
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_callflows(directory: str | Path) -> dict[str, Callflow]:
    """Return every callflow in a folder by name; raise on any invalid file or clash."""
    loaded: dict[str, Callflow] = {}
    for path in callflow_files(directory):
        callflow = load_callflow(path)
        check_unique(callflow, loaded)
        loaded[callflow.name] = callflow
    if not loaded:
        raise CallflowNotFound(f"no callflow files (*.yaml) in {directory}")
    return loaded


def check_unique(callflow: Callflow, loaded: dict[str, Callflow]) -> None:
    """Raise CallflowInvalid if `callflow` reuses a name or number already in `loaded`."""
    path = str(callflow.path)
    if callflow.name in loaded:
        clash = loaded[callflow.name].path
        raise CallflowInvalid(
            path, "name", f"{callflow.name!r} is also used by {clash}",
            "give each callflow its own name",
        )  # fmt: skip
    for other in loaded.values():
        for number in set(callflow.numbers) & set(other.numbers):
            raise CallflowInvalid(
                path, "numbers", f"{number} is also answered by {other.name}",
                "list each number in one callflow",
            )  # fmt: skip


def callflow_for_number(callflows: dict[str, Callflow], number: str, default: str = "") -> Callflow:
    """Return the callflow that lists `number`, else `default` by name, else the first by name."""
    for callflow in callflows.values():
        if number in callflow.numbers:
            return callflow
    if default:
        if default not in callflows:
            raise CallflowNotFound(f"default callflow {default!r} is not loaded")
        return callflows[default]
    if not callflows:
        raise CallflowNotFound("no callflow is loaded")
    return callflows[sorted(callflows)[0]]


def _warn_routing(report: Report, callflow: Callflow) -> None:
    """Warn about teams with nowhere to ring and examples that would not reach their target."""
    for team in callflow.teams.values():
        if not team.target:
            where = callflow.fallback_number or "the service's FALLBACK_NUMBER"
            report.warn(
                ("teams", team.key, "target"),
                f"no target; its transfers ring {where}",
                'add `target: "+15551230001"`, "sip:user@host" or "client:name"',
            )
    # A fixed weekday noon, so hours placeholders render without reading the clock.
    context = CallerContext(now=dt.datetime(2024, 1, 3, 12, 0, tzinfo=callflow.business.tz))
    for kind, items in (("intents", callflow.intents), ("escalations", callflow.escalations)):
        for name, item in items.items():
            for i, example in enumerate(item.examples):
                got = decide(callflow, Utterance(example), context)
                if kind == "intents" and got.intent == name:
                    _warn_claimed(report, callflow, (kind, name, "examples", i), example)
                    continue
                esc_team = getattr(item, "team", None)
                if kind == "escalations" and got.action == "transfer" and got.team == esc_team:
                    continue
                routed = f"{got.reason} ({got.intent})" if got.intent else got.reason
                report.warn(
                    (kind, name, "examples", i),
                    f"{example!r} is routed to {routed}",
                    _routing_fix(kind, got.reason),
                )


def _warn_claimed(report: Report, callflow: Callflow, path: tuple, example: str) -> None:
    """Warn when an intent answers words that touch a sensitive topic ("cancel my order")."""
    touched = callflow.signals.topics(normalise(example, callflow.lexicon))
    for topic in (t for t in touched if t in SENSITIVE):
        report.warn(
            path,
            f"{example!r} touches the sensitive topic {topic}: callers who say this are "
            f"answered by the assistant instead of going to a person (escalation:{topic})",
            "keep it only if this intent really answers it; else move it to escalations",
        )


def _routing_fix(kind: str, reason: str) -> str:
    if kind == "intents" and reason != "intent" and reason != "no_match":
        return "callers who say this go to a person first; move it to escalations or reword it"
    return "reword it or move it; it is too close to another intent's examples"
