"""`voice` command line: one module per command group, registered here."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

import click

from voice.errors import VoiceError

if TYPE_CHECKING:
    from voice.settings import Settings

# Each module defines click commands and a `register(group)` function.
_COMMAND_MODULES = (
    "serve",
    "db",
    "flow",
    "models",
    "call",
    "demo",
    "users",
    "agents",
    "customers",
    "purge",
    "settings",
)


class VoiceGroup(click.Group):
    """The `voice` group: an ordinary mistake ends in one line with its fix, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; explain what went wrong (`--debug`: raise it as it is)."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            click.echo("\nvoice: interrupted", err=True)
            raise SystemExit(130) from None
        except Exception as exc:  # any failure: one line; with --debug, the traceback
            if ctx.params.get("debug"):
                raise
            fail(explain(exc))


def explain(exc: BaseException) -> str:
    """Return one line for an error: what went wrong and the fix."""
    import pydantic
    import sqlalchemy as sa

    if isinstance(exc, VoiceError):
        return str(exc)
    if isinstance(exc, pydantic.ValidationError):
        wrong = "; ".join(
            f"{'.'.join(map(str, e['loc']))}={e.get('input')!r}: {e['msg']}" for e in exc.errors()
        )
        return f"a setting is wrong: {wrong}. Fix it in the environment or the settings file"
    if isinstance(exc, sa.exc.OperationalError):
        from voice.store.db import unreachable

        return unreachable(_database_url(), exc)
    where = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {where} (run `voice --debug …` to see where)"


def _database_url() -> str:
    try:
        from voice.settings import Settings

        return Settings().effective_database_url
    except Exception:  # noqa: BLE001 - only naming the database in a message
        return "DATABASE_URL"


@click.group(cls=VoiceGroup)
@click.option("--log-level", default=None, help="Override LOG_LEVEL (DEBUG, INFO, WARNING).")
@click.option(
    "--debug",
    is_flag=True,
    envvar="VOICE_DEBUG",
    help="Show the full traceback when a command fails (default: one line with the fix).",
)
def main(log_level: str | None, debug: bool) -> None:
    """Run and operate the voice service.

    Settings come from the environment, then a settings file (VOICE_CONFIG, else the checkout's
    .env or ~/.config/voice/voice.env); never from the current directory. `voice settings`
    shows where everything is.
    """
    from voice.settings import Settings

    level = log_level or Settings().log_level
    if not isinstance(logging.getLevelName(level.upper()), int):
        fail(f"LOG_LEVEL={level}: not a log level. Fix: use DEBUG, INFO, WARNING or ERROR")
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if level.upper() != "DEBUG":  # migration chatter is noise at the command line
        logging.getLogger("alembic").setLevel(logging.WARNING)


def fail(error: VoiceError | str, code: int = 1) -> None:
    """Print an error the way every command does and exit non-zero."""
    click.secho(f"error: {error}", fg="red", err=True)
    raise SystemExit(code)


def require_callflow(settings: Settings) -> None:
    """Fail in one line unless CALLFLOWS_DIR holds at least one valid callflow."""
    from voice.calls.lines import Lines

    folder = settings.callflows_dir
    lines = Lines(folder, settings.default_callflow)
    quiet = logging.getLogger("voice.calls.lines")
    level, quiet.level = quiet.level, logging.CRITICAL  # its problems are said once, below
    try:
        problems = lines.load()
    finally:
        quiet.setLevel(level)
    if lines.names:
        return
    if not folder.is_dir():
        why = "the folder does not exist"
    elif len(problems) > 1:  # the last one only says there is no valid callflow
        why = problems[0] + (f"; and {len(problems) - 2} more" if len(problems) > 2 else "")
    else:
        why = "no .yaml file"
    fail(
        f"no callflow in {folder} ({why}): without one every call goes to a person. Fix: put "
        "a callflow file there (`voice callflows check FILE` checks it) or set CALLFLOWS_DIR"
    )


for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"voice.cli.{_name}")
    except ModuleNotFoundError as exc:  # a command group not written yet
        if exc.name != f"voice.cli.{_name}":
            raise
        continue
    _module.register(main)
