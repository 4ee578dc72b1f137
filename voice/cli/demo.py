"""`voice demo`: data that lets a new user try the line at once."""

from __future__ import annotations

import click


@click.group("demo")
def demo() -> None:
    """Demo data (always flagged, never mixed with real callers)."""


@demo.command("seed")
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True,
              help="How many days of demo calls, up to now.")  # fmt: skip
def seed(days: int) -> None:
    """Create the demo customers and a month of demo calls (replacing earlier demo calls)."""
    from voice.analytics.demo import DEMO_CALLFLOW, seed_demo

    database, settings = _database()
    callflow = _demo_callflow(settings)
    counts = seed_demo(database, callflow, days=days)
    click.echo(
        f"demo data: {counts['calls']} calls over {days} days on {DEMO_CALLFLOW}, "
        f"{counts['callbacks']} callbacks, {counts['wrap_ups']} wrap-ups, "
        f"{counts['surveys']} survey answers (all flagged demo; real calls are untouched)"
    )
    click.echo("try: voice call --text 'where is my order' --from +15555550100")


@demo.command("clear")
def clear() -> None:
    """Remove every demo call, customer and order; real rows stay."""
    from voice.analytics.demo import clear_demo

    database, _settings = _database()
    counts = clear_demo(database, customers=True)
    click.echo(f"removed {counts['calls']} demo calls and {counts['customers']} demo customers")


@demo.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True,
              help="How many days of demo calls, up to now.")  # fmt: skip
def reset(yes: bool, days: int) -> None:
    """Back to a fresh demo: remove simulated calls and the demo month, then seed a new month."""
    from voice.analytics.demo import clear_simulated, seed_demo, simulated_calls

    database, settings = _database()
    callflow = _demo_callflow(settings)
    placed = simulated_calls(database)
    if not yes:
        click.confirm(
            f"Remove {placed} simulated calls (voice call, voice demo calls) and every demo "
            f"call, then seed {days} new days? Calls from real phones stay",
            abort=True,
        )
    cleared = clear_simulated(database)
    counts = seed_demo(database, callflow, days=days)
    database.dispose()
    click.echo(
        f"demo reset: removed {cleared['calls']} simulated calls (freed {cleared['agents']} "
        f"agents on them); seeded {counts['calls']} demo calls over {days} days"
    )


def _database() -> tuple[object, object]:
    from voice.settings import Settings
    from voice.store.db import Database

    settings = Settings()
    database = Database.from_settings(settings)
    database.upgrade()
    return database, settings


def _demo_callflow(settings: object) -> object:
    """Return the demo line's callflow from CALLFLOWS_DIR, or fail naming the fix."""
    from voice.analytics.demo import DEMO_CALLFLOW
    from voice.cli import fail
    from voice.errors import VoiceError
    from voice.flow import load_callflow

    path = settings.callflows_dir / f"{DEMO_CALLFLOW}.yaml"
    if not path.is_file():
        fail(f"{path} is missing: the demo calls are for the shipped demo line; restore it")
    try:
        return load_callflow(path)
    except VoiceError as exc:
        fail(exc)


# demo customers and what they ask for: a mix of priorities, so the queue order shows
DEMO_CALLS = [
    ("+15555550100", "someone used my card for a charge i never made"),
    ("+15555550101", "agent please"),
    ("+15555550102", "i want to make a complaint"),
    ("+15555550103", "i need to talk to a person about my order"),
    ("+15555550104", "representative"),
    ("+15555550177", "can i speak to someone"),
]


@demo.command("calls")
@click.argument("count", type=int, default=6)
@click.option("--url", default=None, help="A running service (start it with TWILIO_REST=fake).")
@click.option("--hold", type=float, default=60.0, show_default=True,
              help="Seconds each caller holds in line before hanging up.")  # fmt: skip
@click.option("--agent", default="answer", show_default=True,
              help="How agents respond: answer, no-answer, busy (comma list).")  # fmt: skip
def calls(count: int, url: str | None, hold: float, agent: str) -> None:
    """Place COUNT calls at once, so the agent console shows offers, a queue and callbacks."""
    from concurrent.futures import ThreadPoolExecutor

    from voice.cli.call import _service
    from voice.settings import Settings
    from voice.sim.caller import Utter
    from voice.sim.floor import CallerPlan
    from voice.sim.twilio import FakeTwilio

    settings = Settings().model_copy(update={"demo_mode": True})  # in-process: a demo service
    token = settings.dev_secrets()["twilio_auth_token"]
    if count < 1:
        raise click.UsageError("COUNT: place at least one call")

    def one(i: int) -> object:
        caller, text = DEMO_CALLS[i % len(DEMO_CALLS)]
        plan = CallerPlan(callback=i % 5 == 4, queue_wait_s=hold)  # every fifth asks for a callback
        twilio = FakeTwilio(base, token, fast=True, simulated_text=True,
                            agent=tuple(agent.split(",")), caller=plan)  # fmt: skip
        return twilio.call([Utter(text=text)], caller, settings_line(settings))

    with _service(url, settings) as base, ThreadPoolExecutor(max_workers=count) as pool:
        reports = list(pool.map(one, range(count)))
    for report in reports:
        click.echo(_summary(report))


def settings_line(settings: object) -> str:
    """Return the number the demo calls ring: the first callflow's first number."""
    from voice.calls.lines import Lines

    lines = Lines(settings.callflows_dir, settings.default_callflow)
    lines.load()
    first = lines.by_name(lines.names[0]) if lines.names else None
    return first.numbers[0] if first is not None and first.numbers else "+15555550000"


def _summary(report: object) -> str:
    decided = report.decisions()[0] if report.decisions() else {}
    return f"{report.call_sid[:10]}  {decided.get('reason', '?'):<24} {_ending(report)}"


def _ending(report: object) -> str:
    """Return how the caller's call ended, in words: every call has one."""
    kinds = [s.kind for s in report.steps]
    said = " ".join(s.text for s in report.steps if s.kind == "caller")
    dialled = next((s.text for s in reversed(report.steps) if s.kind == "dial_result"), "")
    if "leaves a message" in said:
        how = "left a voicemail"
    elif "call me back" in said:
        how = "asked for a callback"
    elif dialled:
        how = f"agent {dialled}"
    elif "hung up after holding" in said:
        how = "hung up"
    else:
        how = "ended without a person"
    return f"queued, then {how}" if "queue" in kinds else how


def register(group: click.Group) -> None:
    """Add `voice demo` to the CLI."""
    group.add_command(demo)
