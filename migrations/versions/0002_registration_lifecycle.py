"""registration lifecycle, questions, invitations, agenda, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:35:09.809641
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "delegate",
                "speaker",
                "press",
                "observer",
                "staff",
                name="invitation_category",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "uses >= 0 AND uses <= max_uses", name=op.f("ck_invitation_codes_uses_within_limit")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_invitation_codes_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_codes")),
        sa.UniqueConstraint("event_id", "code", name=op.f("uq_invitation_codes_event_id_code")),
    )
    op.create_table(
        "registration_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "short_text",
                "long_text",
                "single_choice",
                "multiple_choice",
                "checkbox",
                "country",
                name="question_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_registration_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_questions")),
        sa.UniqueConstraint("event_id", "key", name=op.f("uq_registration_questions_event_id_key")),
    )
    op.create_table(
        "agenda_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_agenda_entries_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_agenda_entries_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_entries")),
        sa.UniqueConstraint(
            "registration_id",
            "session_id",
            name=op.f("uq_agenda_entries_registration_id_session_id"),
        ),
    )
    with op.batch_alter_table("agenda_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_entries_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                name="outbox_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_outbox_messages_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "registration_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "unconfirmed",
                "confirmed",
                "waitlisted",
                "awaiting_approval",
                "rejected",
                "cancelled",
                name="registration_change_from_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "unconfirmed",
                "confirmed",
                "waitlisted",
                "awaiting_approval",
                "rejected",
                "cancelled",
                name="registration_change_to_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_changes_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_changes")),
    )
    with op.batch_alter_table("registration_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registration_changes_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        # Existing events keep the default categories and no consent text.
        batch_op.add_column(
            sa.Column("registration_categories", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("consent_text", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("affiliation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("invitation_code_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("ticket_generation", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("confirm_by", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("waitlisted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_registrations_ticket_generation_positive"), "ticket_generation >= 1"
        )
        batch_op.create_index(
            "ix_registrations_event_id_status", ["event_id", "status"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_affiliation_id_affiliations"),
            "affiliations",
            ["affiliation_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_invitation_code_id_invitation_codes"),
            "invitation_codes",
            ["invitation_code_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_registrations_invitation_code_id_invitation_codes"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_registrations_affiliation_id_affiliations"), type_="foreignkey"
        )
        batch_op.drop_index("ix_registrations_event_id_status")
        batch_op.drop_constraint(
            batch_op.f("ck_registrations_ticket_generation_positive"), type_="check"
        )
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("waitlisted_at")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("confirm_by")
        batch_op.drop_column("ticket_generation")
        batch_op.drop_column("invitation_code_id")
        batch_op.drop_column("affiliation_id")

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("consent_text")
        batch_op.drop_column("registration_categories")

    with op.batch_alter_table("registration_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_changes_registration_id"))

    op.drop_table("registration_changes")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_status_next_attempt_at")

    op.drop_table("outbox_messages")
    with op.batch_alter_table("agenda_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_entries_session_id"))

    op.drop_table("agenda_entries")
    op.drop_table("registration_questions")
    op.drop_table("invitation_codes")
