"""`voice demo`: data that lets a new user try the line at once."""

from __future__ import annotations

import click


@click.group("demo")
def demo() -> None:
    """Demo data (always flagged, never mixed with real callers)."""


@demo.command("seed")
def seed() -> None:
    """Create the demo customers and orders used by the shipped callflow."""
    from voice.settings import Settings
    from voice.store.db import Database
    from voice.store.demo import DEMO_CUSTOMERS, seed_customers

    database = Database(Settings().effective_database_url)
    database.upgrade()
    added = seed_customers(database)
    click.echo(f"demo customers: {added} added, {len(DEMO_CUSTOMERS)} in all")
    click.echo("try: voice call --text 'where is my order' --from +15555550100")


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

    settings = Settings()
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
    kinds = [s.kind for s in report.steps]
    how = next((s.text for s in reversed(report.steps) if s.kind == "dial_result"), "")
    if "queue" in kinds:
        how = f"queued, then {how or 'left the line'}"
    return f"{report.call_sid[:10]}  {decided.get('reason', '?'):<24} {how}"


def register(group: click.Group) -> None:
    """Add `voice demo` to the CLI."""
    group.add_command(demo)
