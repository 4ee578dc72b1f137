"""complete call records

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00.000000
"""

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
