"""the language each registration was made in, for its mails

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:05:41.204518
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Registrations made before confkit wrote in other languages were all mailed in English.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=16), nullable=False, server_default="en")
        )


def downgrade() -> None:
    # SQLite copies the table without the column; reflecting the tables it refers to as well
    # would meet the people's index on lower(email), which SQLite cannot reflect.
    with op.batch_alter_table(
        "registrations", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_column("locale")
