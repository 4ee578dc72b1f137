"""`voice serve`: migrate, then serve webhooks and media streams with gunicorn (threads)."""

from __future__ import annotations

import os

import click

from voice.cli import require_callflow


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port", default=lambda: int(os.environ.get("PORT", 5000)), show_default="5000 or $PORT"
)
@click.option("--workers", type=int, default=None, help="Processes (default: 1 on SQLite, else 2).")
@click.option(
    "--threads", type=int, default=32, show_default=True, help="Concurrent calls per process."
)
@click.option(
    "--demo",
    is_flag=True,
    help="A demo service: the demo customers, a month of demo calls on a fresh install, the "
    "demo month shown by default, and simulated calls never counted as repeat calls.",
)
@click.option(
    "--open-hours",
    is_flag=True,
    help="People answer every line around the clock (the callflow files are not changed).",
)
def serve(
    host: str, port: int, workers: int | None, threads: int, demo: bool, open_hours: bool
) -> None:
    """Run the service on its embedded defaults (SQLite under var/, callflows/)."""
    from voice.settings import Settings
    from voice.store.db import Database
    from voice.store.demo import seed_customers
    from voice.telephony.urls import twilio_url

    settings = Settings()
    require_callflow(settings)  # else every call would only reach a person
    database = Database(settings.effective_database_url, var_dir=settings.var_dir)
    database.upgrade()
    if demo:
        seed_customers(database)
        _first_run_demo(database, settings)
    database.dispose()
    _demo_switches(demo, open_hours)
    sqlite = settings.effective_database_url.startswith("sqlite")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or (1 if sqlite else 2),
        "worker_class": "gthread",  # one thread per live media stream
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 30,
        "accesslog": "-",
        "errorlog": "-",
        # behind deploy/haproxy.cfg (send-proxy): the PROXY line names the real client address
        "proxy_protocol": os.environ.get("PROXY_PROTOCOL", "").lower() in ("1", "true", "yes"),
        "proxy_allow_ips": os.environ.get("PROXY_ALLOW_IPS", "127.0.0.1,::1"),
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }
    public = settings.public_base_url or f"http://{host}:{port}"
    voice_url, status_url = twilio_url(public, "incoming_call"), twilio_url(public, "call_status")
    click.echo(f"voice: Twilio voice webhook {voice_url}, status {status_url}")
    click.echo(f"voice: health {public}/health")
    gunicorn_app(options).run()


def _demo_switches(demo: bool, open_hours: bool) -> None:
    """Pass --demo and --open-hours to the workers, which read them as DEMO_MODE and OPEN_HOURS."""
    if demo:
        os.environ["DEMO_MODE"] = "true"
        click.echo("voice: demo service: simulated calls never count as repeat calls")
    if open_hours:
        os.environ["OPEN_HOURS"] = "true"
        click.echo("voice: --open-hours: people answer every line around the clock (not for "
                   "real callers; the callflow files are unchanged)")  # fmt: skip


def _first_run_demo(database: object, settings: object) -> None:
    """Seed demo calls when no call is stored yet, so a new user opens a full dashboard."""
    import sqlalchemy as sa

    from voice.analytics.demo import DEMO_CALLFLOW, seed_demo
    from voice.errors import VoiceError
    from voice.flow import load_callflow
    from voice.store.models import Call

    with database.session() as s:
        if s.scalar(sa.select(sa.func.count(Call.id))):
            return
    try:
        callflow = load_callflow(settings.callflows_dir / f"{DEMO_CALLFLOW}.yaml")
    except (VoiceError, OSError) as exc:  # no demo line: the service still starts
        click.echo(f"voice: no demo calls ({exc})")
        return
    counts = seed_demo(database, callflow)
    click.echo(f"voice: {counts['calls']} demo calls seeded (flagged demo; `voice demo clear`)")


def gunicorn_app(options: dict):  # noqa: ANN201 - gunicorn's application object
    """Return gunicorn's programmatic application, serving create_app() with `options`."""
    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202 - the WSGI app
            from voice.app import create_app

            return create_app()

    return App()


def register(group: click.Group) -> None:
    """Add `voice serve` to the CLI."""
    group.add_command(serve)
