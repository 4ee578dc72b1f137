"""`voice users`: the people who log in to the web pages (admins and agents)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from voice.users import ROLES, UserError


@click.group("users")
def users() -> None:
    """Create and list web logins (the first admin starts here)."""


@users.command("add")
@click.option("--login", required=True, help="What they type to log in (lowercase).")
@click.option("--name", required=True, help="Their name, as shown on the pages.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin or agent.")
@click.option(
    "--password",
    default=None,
    help="Their password: 15-200 characters, not easy to guess (default: prompt twice).",
)
def add(login: str, name: str, role: str, password: str | None) -> None:
    """Add a web login with an argon2-hashed password."""
    from voice.users import create_user

    password = password or _prompt_password()
    with _explained(), _database().session() as s:
        user = create_user(s, login, name, role, password)
        click.echo(f"added {user.role} {user.login} ({user.name})")
    if role == "agent":
        click.echo(
            "to take calls they also need an agent profile: voice agents add, or /admin/agents"
        )


@users.command("list")
def list_users() -> None:
    """List every web login with its role, state and last login."""
    import sqlalchemy as sa

    from voice.store.models import User

    with _database().session() as s:
        rows = s.scalars(sa.select(User).order_by(User.login)).all()
        if not rows:
            click.echo("no users yet: voice users add --login ana --name 'Ana Ruiz' --role admin")
        for user in rows:
            last = (
                user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never"
            )
            state = "active" if user.active else "disabled"
            click.echo(f"{user.login:<24} {user.role:<6} {state:<8} last login {last}  {user.name}")


@users.command("passwd")
@click.argument("login")
@click.option("--password", default=None, help="The new password (default: prompt twice).")
def passwd(login: str, password: str | None) -> None:
    """Set a user's password (at least 15 characters, not easy to guess); their sessions end."""
    from voice.users import set_password

    with _explained(), _database().session() as s:
        user = _user(s, login)
        set_password(user, password or _prompt_password())
        click.echo(f"password changed for {user.login}")


@users.command("disable")
@click.argument("login")
def disable(login: str) -> None:
    """Stop a user from logging in; every session they have open ends at once."""
    from voice.users import deactivate

    with _explained(), _database().session() as s:
        deactivate(_user(s, login))
        click.echo(f"disabled {login}: their sessions have ended; `voice users enable` undoes it")


@users.command("enable")
@click.argument("login")
def enable(login: str) -> None:
    """Let a disabled user log in again."""
    with _explained(), _database().session() as s:
        _user(s, login).active = True
        click.echo(f"enabled {login}")


def _user(s, login: str):  # noqa: ANN001, ANN202 - a Session in, a User out
    from voice.users import find_user

    user = find_user(s, login)
    if user is None:
        raise UserError(f"no user {login!r}; see `voice users list`")
    return user


def _prompt_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _database():  # noqa: ANN202 - a migrated Database
    from voice.settings import Settings
    from voice.store.db import Database

    database = Database.from_settings(Settings())
    database.upgrade()
    return database


@contextmanager
def _explained() -> Iterator[None]:
    """Turn a UserError into the CLI's error message and exit status."""
    try:
        yield
    except UserError as exc:
        from voice.cli import fail

        fail(str(exc))


def register(group: click.Group) -> None:
    """Add `voice users` to the CLI."""
    group.add_command(users)
