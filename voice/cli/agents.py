"""`voice agents add/list/set`: the people who take transfers, their skills and presence."""

from __future__ import annotations

import click

from voice.cli import fail


def _runtime():  # noqa: ANN202 - a Runtime; imported late to keep `voice --help` quick
    """Return the service's runtime (its floor and Twilio REST) on a database that is current."""
    from voice.runtime import Runtime
    from voice.settings import Settings

    rt = Runtime.build(Settings())
    _require_current(rt.db)
    return rt


def _require_current(database: object) -> None:
    """Stop with the fix unless the schema is the one this version needs (never change it here).

    Only `voice db upgrade` and `voice serve` migrate the database.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    from voice.store.db import alembic_config

    needed = set(ScriptDirectory.from_config(alembic_config(database.url)).get_heads())
    with database.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current != needed:
        state = f"is at revision {', '.join(sorted(current))}" if current else "has no tables yet"
        where = make_url(database.url).render_as_string(hide_password=True)
        fail(
            f"the database {where} {state}, and this version needs "
            f"{', '.join(sorted(needed))}: run `voice db upgrade` first"
        )


def _floor():  # noqa: ANN202 - the runtime's Floor
    return _runtime().floor


@click.group("agents")
def agents() -> None:
    """Manage agents: how to reach them, their teams and languages, their presence."""


@agents.command("add")
@click.option("--login", required=True, help="What they log in to the console with.")
@click.option("--name", required=True, help="Their name, as the console shows it.")
@click.option("--address", required=True, help="+E.164 number, sip:user@host or client:identity.")
@click.option("--team", "teams", multiple=True, required=True, help="A callflow team (repeat).")
@click.option("--language", "languages", multiple=True, required=True, help="e.g. en (repeat).")
@click.option("--password", default=None, help="Console password (default: set one later).")
@click.option("--wrap-up", "wrap_up_s", type=int, default=30, show_default=True,
              help="Seconds of wrap-up after each call.")  # fmt: skip
def add(
    login: str,
    name: str,
    address: str,
    teams: tuple[str, ...],
    languages: tuple[str, ...],
    password: str | None,
    wrap_up_s: int,
) -> None:
    """Add an agent (offline until they go available)."""
    from voice.errors import VoiceError

    try:
        agent = _floor().add_agent(
            login, name, address, list(teams), list(languages), password, wrap_up_s
        )
    except VoiceError as exc:
        fail(f"voice agents add: {exc}")
    click.echo(f"added agent {agent['id']} {agent['name']} ({agent['login']}): {_skills(agent)}")
    if not password:
        click.echo("no console password yet: set one before they log in")


@agents.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(as_json: bool) -> None:
    """List agents with presence, skills and idle time."""
    import json

    rows = _floor().list_agents()
    if as_json:
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("no agents yet: voice agents add --login … --name … --address … --team …")
    for a in rows:
        idle = f"idle {a['idle_s']} s" if a["idle_s"] is not None else ""
        click.echo(
            f"{a['id']:>4}  {a['login'] or '-':<16} {a['name']:<20} {a['presence']:<10} "
            f"{idle:<12} {_skills(a)}  {a['address']}"
        )


@agents.command("set")
@click.argument("agent")
@click.option("--presence", type=click.Choice(["available", "offline"]), default=None)
@click.option("--team", "teams", multiple=True, help="Replace the teams (repeat).")
@click.option("--language", "languages", multiple=True, help="Replace the languages (repeat).")
@click.option("--address", default=None, help="+E.164 number, sip:user@host or client:identity.")
@click.option("--name", default=None)
@click.option("--wrap-up", "wrap_up_s", type=int, default=None, help="Seconds of wrap-up.")
def set_(
    agent: str,
    presence: str | None,
    teams: tuple[str, ...],
    languages: tuple[str, ...],
    address: str | None,
    name: str | None,
    wrap_up_s: int | None,
) -> None:
    """Change an agent (by id or login); --presence works even while they are on a call.

    Setting the presence of an agent stuck on a call ends that assignment cleanly: a caller
    still ringing her goes back in line, a callback she was dialling goes back on the list.
    """
    from voice.errors import VoiceError

    changes = {
        k: v
        for k, v in (
            ("presence", presence),
            ("teams", list(teams) or None),
            ("languages", list(languages) or None),
            ("address", address),
            ("name", name),
            ("wrap_up_s", wrap_up_s),
        )
        if v is not None
    }
    if not changes:
        fail(
            "voice agents set: nothing to change; give --presence, --team, --language or --address"
        )
    try:
        row = _floor().set_agent(agent, by="voice agents set", **changes)
    except VoiceError as exc:
        fail(f"voice agents set {agent}: {exc}")
    click.echo(
        f"agent {row['id']} {row['name']}: {row['presence']}, {_skills(row)}, {row['address']}"
    )


@agents.command("reconcile")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def reconcile_(as_json: bool) -> None:
    """Free agents, callers in line and callbacks whose calls ended unseen, now.

    `voice serve` does this by itself every RECONCILE_INTERVAL_S.
    """
    import json

    from voice.routing.reconcile import reconcile

    counts = reconcile(_runtime())
    if as_json:
        click.echo(json.dumps(counts))
        return
    click.echo(
        f"looked at {counts['checked']}, asked Twilio about {counts['asked']} "
        f"({counts['live']} live); freed {counts['agents_freed']} agents, "
        f"closed {counts['entries_closed']} places in line and {counts['calls_closed']} calls, "
        f"reopened {counts['callbacks_reopened']} callbacks"
    )


def _skills(agent: dict) -> str:
    return f"teams {','.join(agent['teams'])}; languages {','.join(agent['languages'])}"


def register(group: click.Group) -> None:
    """Add `voice agents` to the CLI."""
    group.add_command(agents)
