"""taught examples: what admins taught a line from the Teach page, and undos

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taught_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callflow", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_taught_examples_added_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taught_examples")),
    )
    with op.batch_alter_table("taught_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taught_examples_callflow"), ["callflow"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("taught_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taught_examples_callflow"))
    op.drop_table("taught_examples")
