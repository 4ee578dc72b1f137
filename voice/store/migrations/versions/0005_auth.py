"""sessions that end at logout and login throttling

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00.000000
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
