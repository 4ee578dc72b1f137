"""Database engine and sessions for the app and the CLI; SQLite (WAL) or PostgreSQL.

Nothing waits on the database forever. With `DbTimeouts` (the service builds them from
settings) PostgreSQL gets:

- a connect timeout (psycopg enforces it on the client, 2 s at least);
- a server-side `statement_timeout`, so a slow query or a lock wait ends with a clean error;
- a client-side bound on every wait for the server (a query, a commit, a rollback), a little
  past the statement timeout, because a server that accepts a connection and never answers
  enforces no timeout at all; the connection is then closed and the pool discards it;
- TCP keepalives and `tcp_user_timeout`, for a network that silently drops an idle connection;
- a pool timeout for a free connection.

A connection the server has closed while it sat in the pool (a restart, a failover) is found
at checkout without a round trip: an idle connection's socket has nothing to read unless the
server said goodbye. That replaces `pool_pre_ping`'s `SELECT 1` on every checkout.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from alembic import command
from alembic.config import Config

from voice.errors import DatabaseError
from voice.store.breaker import check_deadline

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
CLIENT_GRACE_S = 1.0  # the client waits this much past the server's statement timeout
RECYCLE_S = 1800  # reopen pooled connections older than this (firewalls drop idle ones)


@dataclass(frozen=True)
class DbTimeouts:
    """How long the service waits on the database; None for no limit (the CLI's default)."""

    connect_s: float = 10.0
    statement_s: float | None = None
    pool_s: float = 5.0
    sqlite_busy_s: float = 5.0

    @classmethod
    def from_settings(cls, settings: Any) -> DbTimeouts:
        """Return the budgets DB_CONNECT_TIMEOUT_S, DB_STATEMENT_TIMEOUT_S, DB_POOL_TIMEOUT_S."""
        return cls(
            connect_s=settings.db_connect_timeout_s,
            statement_s=settings.db_statement_timeout_s,
            pool_s=settings.db_pool_timeout_s,
            sqlite_busy_s=settings.db_statement_timeout_s,
        )

    @property
    def wait_s(self) -> float | None:
        """Return the longest the client waits for any one answer from the server."""
        return None if self.statement_s is None else self.statement_s + CLIENT_GRACE_S

    def postgres_connect_args(self) -> dict[str, Any]:
        """Return libpq parameters that bound connecting, statements and dead links."""
        args: dict[str, Any] = {
            "connect_timeout": max(1, round(self.connect_s)),
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
        if self.statement_s is not None:
            statement_ms = max(1, int(self.statement_s * 1000))
            # a transaction left open by a vanished client must not hold its row locks forever
            idle_ms = max(60_000, 4 * statement_ms)
            args["options"] = (
                f"-c statement_timeout={statement_ms} "
                f"-c idle_in_transaction_session_timeout={idle_ms}"
            )
            # unacknowledged data older than this drops the connection (a real network blackhole)
            args["tcp_user_timeout"] = int((self.connect_s + self.statement_s) * 1000)
        return args


def _sqlite_pragmas(busy_ms: int):  # noqa: ANN202 - an event listener
    def on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DBAPI objects are untyped
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers never block the call-handling writer
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.close()

    return on_connect


def _bounded_connection_class(wait_s: float):  # noqa: ANN202 - a psycopg Connection subclass
    """Return a psycopg connection class whose every wait for the server ends after `wait_s`."""
    import psycopg
    from psycopg import errors

    class BoundedConnection(psycopg.Connection):
        """A psycopg connection that gives up on a server that does not answer."""

        def wait(self, gen, interval: float = 0.1, timeout: float | None = None):  # noqa: ANN001, ANN202 - psycopg's own (untyped) generator and result
            """Consume `gen` like psycopg does, but never for longer than `wait_s`."""
            try:
                return super().wait(gen, interval, wait_s if timeout is None else timeout)
            except errors._WaitTimeout:  # noqa: SLF001 - psycopg's own signal for this
                # the protocol is mid-message: the connection cannot be used again
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"the database did not answer within {wait_s:g} s; connection closed"
                ) from None

    return BoundedConnection


def _closed_while_idle(dbapi_conn, _record, _proxy) -> None:  # noqa: ANN001
    """Refuse a pooled connection the server has closed; the pool then opens a fresh one."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        raise sa.exc.DisconnectionError("connection closed")
    try:
        fd = dbapi_conn.pgconn.socket
    except Exception as exc:  # psycopg raises when the socket is gone
        raise sa.exc.DisconnectionError("connection has no socket") from exc
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):  # an idle connection only has something to read when it is over
        dbapi_conn.close()
        raise sa.exc.DisconnectionError("the server closed this pooled connection")


class Database:
    """One engine and session factory per process, bound to a database URL.

    `Database(url)` keeps the CLI's generous defaults (no statement limit); the service uses
    `Database.from_settings(settings)`.
    """

    def __init__(self, url: str, timeouts: DbTimeouts | None = None, var_dir: Path | None = None):
        """Bind to `url`; a SQLite file's missing folder is made only inside `var_dir`."""
        self.url = url = normalise_url(url)
        self.timeouts = timeouts or DbTimeouts()
        _parse(url)
        if url.startswith("sqlite"):
            _sqlite_folder(url, var_dir)
            busy_s = self.timeouts.sqlite_busy_s
            self.engine = sa.create_engine(url, connect_args={"timeout": busy_s})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas(int(busy_s * 1000)))
        else:
            self.engine = _create_engine(
                url,
                pool_size=10,
                max_overflow=20,
                pool_timeout=self.timeouts.pool_s,
                pool_recycle=RECYCLE_S,
                connect_args=self._connect_args(url),
            )
            if self.engine.dialect.driver == "psycopg":
                sa.event.listen(self.engine, "checkout", _closed_while_idle)
                if (wait_s := self.timeouts.wait_s) is not None:
                    connection_class = _bounded_connection_class(wait_s)
                    sa.event.listen(
                        self.engine,
                        "do_connect",
                        lambda _d, _r, cargs, cparams: connection_class.connect(*cargs, **cparams),
                    )
        # a webhook's budget for database work (breaker.deadline) is checked before each statement
        sa.event.listen(self.engine, "before_cursor_execute", _within_deadline)
        self.sessions = so.sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Any) -> Database:
        """Return the service's database, with every timeout taken from `settings`."""
        return cls(
            settings.effective_database_url, DbTimeouts.from_settings(settings), settings.var_dir
        )

    def _connect_args(self, url: str) -> dict[str, Any]:
        backend = sa.engine.make_url(url).get_backend_name()
        return self.timeouts.postgres_connect_args() if backend == "postgresql" else {}

    @contextmanager
    def session(self) -> Iterator[so.Session]:
        """Yield a session that commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def upgrade(self) -> None:
        """Apply all Alembic migrations (idempotent); DatabaseError when the database is down."""
        try:
            command.upgrade(alembic_config(self.url), "head")
        except sa.exc.OperationalError as exc:
            raise DatabaseError(unreachable(self.url, exc)) from exc

    def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError as exc:
            log.warning("database unreachable: %s", exc)
            return False

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def normalise_url(url: str) -> str:
    """Return `url` for the project's PostgreSQL driver: postgres:// and postgresql:// mean psycopg.

    Heroku, Render, `psql` and most hosting panels write `postgres://`, which SQLAlchemy does not
    know, and `postgresql://`, which it takes to mean psycopg2 (not installed): both become
    `postgresql+psycopg://`. Any other URL is returned as it is.
    """
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def safe_url(url: str) -> str:
    """Return `url` with any password hidden, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(not a URL)"


_EXAMPLES = "e.g. postgresql://user:password@host:5432/voice or sqlite:////srv/voice/voice.db"


def _create_engine(url: str, **options: Any) -> sa.Engine:
    """Return an engine, or a DatabaseError saying what is wrong with DATABASE_URL."""
    kind = _parse(url).get_backend_name()
    if kind not in ("postgresql", "sqlite"):
        raise DatabaseError(
            f"DATABASE_URL names a database this service does not use ({kind}); {_EXAMPLES}"
        )
    try:
        return sa.create_engine(url, **options)
    except sa.exc.NoSuchModuleError as exc:
        kind = url.partition(":")[0]
        raise DatabaseError(
            f"DATABASE_URL names a database this service does not use ({kind}); {_EXAMPLES}"
        ) from exc
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"DATABASE_URL is not a database URL ({exc}); {_EXAMPLES}") from exc
    except ImportError as exc:  # a driver named in the URL that is not installed
        raise DatabaseError(
            f"DATABASE_URL asks for the driver {exc.name}, which is not installed; "
            "write postgresql:// (this service uses psycopg 3)"
        ) from exc


def _parse(url: str) -> sa.URL:
    try:
        return sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"DATABASE_URL is not a database URL ({exc}); {_EXAMPLES}") from exc


def _sqlite_folder(url: str, var_dir: Path | None) -> None:
    """Make a SQLite file's folder if it is inside `var_dir`; elsewhere it must exist."""
    path = _parse(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    folder = Path(path).absolute().parent
    if folder.is_dir():
        return
    if var_dir is not None and folder.is_relative_to(Path(var_dir).absolute()):
        folder.mkdir(parents=True, exist_ok=True)
        return
    raise DatabaseError(
        f"DATABASE_URL={safe_url(url)}: the folder {folder} does not exist; create it, or fix the "
        "path (sqlite:////absolute/path/voice.db has four slashes), or unset DATABASE_URL to use "
        "VAR_DIR"
    )


def unreachable(url: str, exc: BaseException) -> str:
    """Return one line saying the database at `url` did not answer, why, and the fix."""
    reason = str(getattr(exc, "orig", None) or exc).strip()
    # psycopg: 'connection failed: connection to server at "…", port … failed: Connection refused'
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc).__name__
    reason = " ".join(reason.removeprefix("connection failed: ").split())
    if url.startswith("sqlite"):
        fix = "check the file's permissions and that it is a SQLite database, or fix DATABASE_URL"
    else:
        fix = "start the database, or fix DATABASE_URL (host, port, user, password, name)"
    return f"the database at {safe_url(url)} did not answer: {reason}. Fix: {fix}"


def _within_deadline(*_args: object) -> None:
    check_deadline()


def alembic_config(url: str) -> Config:
    """Return an Alembic config pointing at the packaged migrations and `url`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
