"""Typed SQLAlchemy models. Thin on purpose: queries live in service modules beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator):
    """Store aware datetimes as UTC and read them back aware, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """Convert to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """Mark values read back as UTC (SQLite drops the zone)."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(so.DeclarativeBase):
    """Declarative base with one naming convention, so migrations name constraints stably."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON,
    }


class Customer(Base):
    """A known caller, keyed by phone number."""

    __tablename__ = "customers"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class Order(Base):
    """A customer's order, answered by the `orders.latest_for_caller` lookup."""

    __tablename__ = "orders"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    customer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("customers.id"), index=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20))  # processing|shipped|delivered|...
    carrier: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    eta: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    placed_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class Call(Base):
    """One phone call, from the incoming webhook to the final status callback."""

    __tablename__ = "calls"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sid: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    from_number: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    to_number: so.Mapped[str] = so.mapped_column(sa.String(64))
    callflow: so.Mapped[str] = so.mapped_column(sa.String(80))
    stage: so.Mapped[str] = so.mapped_column(sa.String(20), default="greeting")
    speech: so.Mapped[str] = so.mapped_column(sa.String(8), default="vosk")  # vosk | text (sim)
    # The next neutral action, written before the media stream closes so that any worker can
    # answer Twilio's <Connect action> request.
    next_action: so.Mapped[dict[str, Any] | None] = so.mapped_column()
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # self_served|transferred|...
    status: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # Twilio's final CallStatus
    duration_s: so.Mapped[int | None] = so.mapped_column()
    fallback: so.Mapped[bool] = so.mapped_column(default=False)  # an error path was taken
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    started_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    decided_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    ended_at: so.Mapped[dt.datetime | None] = so.mapped_column()


class Turn(Base):
    """What the caller said in one listening turn, redacted, with recognition figures."""

    __tablename__ = "turns"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(20))  # greeting|followup
    transcript: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    confidence: so.Mapped[float | None] = so.mapped_column()
    dtmf: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    source: so.Mapped[str] = so.mapped_column(sa.String(16))  # vosk|text|dtmf|none
    speech_end_ms: so.Mapped[int | None] = so.mapped_column()  # stream time of end of speech
    decided_ms: so.Mapped[int | None] = so.mapped_column()  # stream time of the decision
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class Decision(Base):
    """What the assistant decided for a turn, and why."""

    __tablename__ = "decisions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    turn_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("turns.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    intent: so.Mapped[str | None] = so.mapped_column(sa.String(80), index=True)
    team: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    priority: so.Mapped[str] = so.mapped_column(sa.String(10), default="normal")
    say: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class Transfer(Base):
    """A warm transfer to a person: who was dialled, what they were told, how it ended."""

    __tablename__ = "transfers"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    team: so.Mapped[str] = so.mapped_column(sa.String(80))
    target: so.Mapped[str] = so.mapped_column(sa.String(200))
    priority: so.Mapped[str] = so.mapped_column(sa.String(10), default="normal")
    reason: so.Mapped[str] = so.mapped_column(sa.String(60))
    whisper: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="dialing")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    bridged_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    ended_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    talk_s: so.Mapped[int | None] = so.mapped_column()


class CallEvent(Base):
    """One entry on a call's timeline (webhooks, TwiML sent, stream events, faults)."""

    __tablename__ = "call_events"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    detail: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
