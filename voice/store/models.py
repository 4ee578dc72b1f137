"""Typed SQLAlchemy models. Thin on purpose: queries live in service modules beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

ADDRESS_LEN = 320  # the longest caller or called address stored (SIP URIs included)


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
    # a caller address may be a long SIP URI, not just an E.164 number
    from_number: so.Mapped[str] = so.mapped_column(sa.String(ADDRESS_LEN), index=True)
    to_number: so.Mapped[str] = so.mapped_column(sa.String(ADDRESS_LEN))
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
    # when retention removed the call's words and caller number (its figures stay): voice purge
    purged_at: so.Mapped[dt.datetime | None] = so.mapped_column(index=True)


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


# --- the contact-centre floor: people, presence, queue, callbacks, wrap-up -------------------


class User(Base):
    """Someone who logs in to the web pages: an admin or an agent."""

    __tablename__ = "users"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    login: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[str] = so.mapped_column(sa.String(10))  # admin | agent
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[dt.datetime | None] = so.mapped_column()


class WebSession(Base):
    """One logged-in browser: the cookie names it, and logging out deletes it."""

    __tablename__ = "web_sessions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # sha256 of the random token in the cookie: a copy of this table opens no session
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[dt.datetime] = so.mapped_column()


class LoginFailure(Base):
    """A failed login, counted per account and per address to slow down guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_kind_key_at", "kind", "key", "at"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))  # account | address
    key: so.Mapped[str] = so.mapped_column(sa.String(128))  # the login typed, or the address
    at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)


class Agent(Base):
    """A trained person who takes calls: how to reach them, and their presence right now."""

    __tablename__ = "agents"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    # +E.164 phone number, sip:user@host, or client:identity (Twilio Client)
    address: so.Mapped[str] = so.mapped_column(sa.String(200))
    presence: so.Mapped[str] = so.mapped_column(sa.String(12), default="offline", index=True)
    presence_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    # longest idle = oldest idle_since among available agents; set when they become available
    idle_since: so.Mapped[dt.datetime | None] = so.mapped_column()
    wrap_up_until: so.Mapped[dt.datetime | None] = so.mapped_column()
    wrap_up_s: so.Mapped[int] = so.mapped_column(default=30)
    # the call offered to or bridged with this agent; set atomically by routing
    call_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("calls.id"))
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class AgentSkill(Base):
    """One team or language an agent can take calls for."""

    __tablename__ = "agent_skills"
    __table_args__ = (sa.UniqueConstraint("agent_id", "kind", "value"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    agent_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agents.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))  # team | language
    value: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)


class QueueEntry(Base):
    """A caller waiting for a person, from the transfer decision until bridged or gone."""

    __tablename__ = "queue_entries"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    callflow: so.Mapped[str] = so.mapped_column(sa.String(80))
    team: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    language: so.Mapped[str] = so.mapped_column(sa.String(16))
    priority: so.Mapped[str] = so.mapped_column(sa.String(10), default="normal")
    rank: so.Mapped[int] = so.mapped_column(default=2)  # 0 urgent, 1 high, 2 normal: sort key
    reason: so.Mapped[str] = so.mapped_column(sa.String(60))
    whisper: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # said to each agent offered
    # waiting | offered | bridged | abandoned | callback | voicemail | fallback
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="waiting", index=True)
    agent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agents.id"))
    tried_agents: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)  # {"ids": [...]}
    enqueued_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    offered_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    bridged_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    ended_at: so.Mapped[dt.datetime | None] = so.mapped_column()


class Callback(Base):
    """A caller who asked to be called back instead of holding, or left a voicemail."""

    __tablename__ = "callbacks"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    callflow: so.Mapped[str] = so.mapped_column(sa.String(80))
    number: so.Mapped[str] = so.mapped_column(sa.String(ADDRESS_LEN))
    words: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # redacted transcript
    reason: so.Mapped[str] = so.mapped_column(sa.String(60))
    team: so.Mapped[str] = so.mapped_column(sa.String(80))
    priority: so.Mapped[str] = so.mapped_column(sa.String(10), default="normal")
    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="callback")  # | voicemail
    recording_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # requested | dialing | completed | failed
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default="requested", index=True)
    agent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agents.id"))
    outbound_sid: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    requested_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow, index=True)
    started_at: so.Mapped[dt.datetime | None] = so.mapped_column()
    completed_at: so.Mapped[dt.datetime | None] = so.mapped_column()


class WrapUp(Base):
    """What the agent recorded after a call: disposition, routing verdict, notes."""

    __tablename__ = "wrap_ups"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    agent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agents.id"))
    disposition: so.Mapped[str] = so.mapped_column(sa.String(12))  # resolved | follow_up
    routing_right: so.Mapped[bool | None] = so.mapped_column()
    right_target: so.Mapped[str | None] = so.mapped_column(sa.String(80))  # intent or team
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    survey: so.Mapped[str | None] = so.mapped_column(sa.String(8))  # sms | voice (issue 6)
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class SurveyResponse(Base):
    """A caller's 1-5 rating, after an automated answer or after a call with a person."""

    __tablename__ = "survey_responses"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    call_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("calls.id"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(8))  # voice | dtmf | sms
    path: so.Mapped[str] = so.mapped_column(sa.String(10))  # automated | human
    score: so.Mapped[int] = so.mapped_column()  # 1..5
    raw: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # what was said, pressed or sent
    demo: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)


class TaughtExample(Base):
    """An example an admin taught a line from the Teach page, and its undo."""

    __tablename__ = "taught_examples"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    callflow: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))  # intent | escalation | out_of_scope
    name: so.Mapped[str] = so.mapped_column(sa.String(80), default="")  # "" for out of scope
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))  # call:<id> | bank | case
    added_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    added_at: so.Mapped[dt.datetime] = so.mapped_column(default=utcnow)
    undone_at: so.Mapped[dt.datetime | None] = so.mapped_column()
