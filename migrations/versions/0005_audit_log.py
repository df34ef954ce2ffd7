"""the audit log of changes to the programme, people, registration settings and accounts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:12:31.502114
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "created",
                "updated",
                "deleted",
                name="audit_action",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_audit_entries_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"], unique=False)
    op.create_index(
        "ix_audit_entries_entity_type_entity_id",
        "audit_entries",
        ["entity_type", "entity_id"],
        unique=False,
    )
    op.create_index(
        "ix_audit_entries_event_id_at", "audit_entries", ["event_id", "at"], unique=False
    )
    op.create_index(op.f("ix_audit_entries_user_id"), "audit_entries", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_entries_user_id"), table_name="audit_entries")
    op.drop_index("ix_audit_entries_event_id_at", table_name="audit_entries")
    op.drop_index("ix_audit_entries_entity_type_entity_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_at", table_name="audit_entries")
    op.drop_table("audit_entries")
