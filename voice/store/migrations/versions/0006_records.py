"""complete call records: caller and called addresses long enough for SIP URIs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ADDRESS_LEN = 320


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        for column in ("from_number", "to_number"):
            batch_op.alter_column(
                column, existing_type=sa.String(length=64), type_=sa.String(length=ADDRESS_LEN)
            )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.alter_column(
            "number", existing_type=sa.String(length=64), type_=sa.String(length=ADDRESS_LEN)
        )


def downgrade() -> None:
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.alter_column(
            "number", existing_type=sa.String(length=ADDRESS_LEN), type_=sa.String(length=64)
        )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        for column in ("from_number", "to_number"):
            batch_op.alter_column(
                column, existing_type=sa.String(length=ADDRESS_LEN), type_=sa.String(length=64)
            )
