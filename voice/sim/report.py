"""Print a simulated call the way a person reads a call log."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from voice.sim.twilio import CallReport

_PREFIX = {
    "say": ("assistant", "cyan"),
    "caller": ("caller", "yellow"),
    "decision": ("decision", "magenta"),
    "dial": ("transfer", "green"),
    "whisper": ("whisper", "green"),
    "dial_result": ("agent", "green"),
    "hangup": ("call", "white"),
    "queue": ("queue", "blue"),
    "rest": ("twilio", "blue"),
    "error": ("error", "red"),
}


def print_report(report: CallReport, show_twiml: bool = False) -> None:
    """Print the conversation, the decisions and the timings."""
    click.secho(f"call {report.call_sid}", bold=True)
    for step in report.steps:
        who, colour = _PREFIX.get(step.kind, (step.kind, "white"))
        text = f'"{step.text}"' if step.kind in ("say", "whisper") else step.text
        click.echo(click.style(f"  {who:>9}: ", fg=colour) + text)
    if show_twiml:
        for doc in report.twiml:
            click.secho(f"  twiml: {doc}", dim=True)
    for name, value in report.timings.items():
        click.echo(f"  {name.replace('_', ' ')}: {value:.0f}")


def report_json(report: CallReport) -> str:
    """Return the report as one JSON document."""
    return json.dumps(
        {
            "call_sid": report.call_sid,
            "steps": [asdict(s) for s in report.steps],
            "decisions": report.decisions(),
            "timings": {k: round(v, 1) for k, v in report.timings.items()},
            "twiml": report.twiml,
        },
        ensure_ascii=False,
    )
