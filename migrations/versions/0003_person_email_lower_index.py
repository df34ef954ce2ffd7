"""index people by lower-case email address

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_persons_email_lower", "persons", [sa.text("lower(email)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_persons_email_lower", table_name="persons")
