"""true outcomes: callbacks and voicemails are outcomes of their own, not "abandoned"

Stored calls are judged again from their own records, as voice.calls.outcomes.judge() now
judges a call when it ends: a call where no person came on the line is `voicemail` when the
caller left a message, `callback_requested` when they asked to be called back (a callback
row, or the timeline's entry when the row is gone), and `abandoned`, not `self_served`, when
the caller asked for more after an answer and hung up before a person. Calls still in
progress (no outcome yet) are judged when they end.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

calls = sa.table("calls", sa.column("id"), sa.column("outcome"))
callbacks = sa.table("callbacks", sa.column("call_id"), sa.column("kind"))
events = sa.table("call_events", sa.column("call_id"), sa.column("kind"))
decisions = sa.table("decisions", sa.column("call_id"), sa.column("action"))
transfers = sa.table("transfers", sa.column("call_id"), sa.column("bridged_at"))
NO_PERSON = ("abandoned", "self_served", "unanswered")  # a bridged call stays "transferred"


def _left(kind: str, event: str) -> sa.ColumnElement[bool]:
    """Return: the call has a callback row of this kind, or its timeline says so."""
    return sa.or_(
        sa.exists().where(callbacks.c.call_id == calls.c.id, callbacks.c.kind == kind),
        sa.exists().where(events.c.call_id == calls.c.id, events.c.kind == event),
    )


def upgrade() -> None:
    no_person = sa.and_(
        calls.c.outcome.in_(NO_PERSON),
        ~sa.exists().where(transfers.c.call_id == calls.c.id, transfers.c.bridged_at.is_not(None)),
    )
    voicemail = _left("voicemail", "voicemail")
    callback = _left("callback", "callback_requested")
    op.execute(calls.update().where(no_person, voicemail).values(outcome="voicemail"))
    op.execute(calls.update().where(no_person, callback).values(outcome="callback_requested"))
    sent = sa.exists().where(decisions.c.call_id == calls.c.id, decisions.c.action == "transfer")
    op.execute(
        calls.update().where(no_person, calls.c.outcome == "self_served", sent)
        .values(outcome="abandoned")
    )  # fmt: skip


def downgrade() -> None:
    op.execute(
        calls.update()
        .where(calls.c.outcome.in_(("voicemail", "callback_requested")))
        .values(outcome="abandoned")
    )
