"""People, the organisations they belong to, their positions, and delegations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.events import Event
    from confkit.models.programme import SessionRole


class OrganisationKind(enum.StrEnum):
    GOVERNMENT = "government"
    INTERNATIONAL = "international_organisation"
    ARMED_FORCES = "armed_forces"
    ACADEMIA = "academia"
    THINK_TANK = "think_tank"
    MEDIA = "media"
    NGO = "ngo"
    COMPANY = "company"


class Organisation(Base):
    """A ministry, a department inside it, an international organisation, a university..."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[OrganisationKind] = mapped_column(
        constrained_enum(OrganisationKind, "organisation_kind")
    )
    # ISO 3166-1 alpha-2; none for international organisations.
    country: Mapped[str | None] = mapped_column(String(2))
    # A department cannot be orphaned by deleting its ministry.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    parent: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", back_populates="departments"
    )
    departments: Mapped[list[Organisation]] = relationship(back_populates="parent")

    __table_args__ = (CheckConstraint("length(country) = 2", name="country_iso2"),)

    @property
    def full_name(self) -> str:
        """The name with its parents, innermost first: "Department X, Ministry Y"."""
        names = [self.name]
        parent = self.parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.parent
        return ", ".join(names)


class Person(Base):
    """Someone in the programme or among the attendees. Names may be in any script."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    honorific: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    affiliations: Mapped[list[Affiliation]] = relationship(
        back_populates="person",
        order_by="Affiliation.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    roles: Mapped[list[SessionRole]] = relationship(back_populates="person")

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def display_name(self) -> str:
        """The name with its honorific: "Colonel Elchin Abdullayev"."""
        return f"{self.honorific} {self.name}".strip()


# Registration finds people by address whatever its letter case: without this index every
# look-up would read the whole table.
Index("ix_persons_email_lower", func.lower(Person.email))


class Affiliation(Base):
    """A person's position at an organisation, optionally for a period."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    position_title: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="affiliations")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name="period_ordered",
        ),
    )

    @property
    def label(self) -> str:
        """ "Acting Head, Military-Political Affairs Department, Ministry of Foreign Affairs"."""
        parts = [self.position_title] if self.position_title else []
        parts.append(self.organisation.full_name)
        return ", ".join(parts)


delegation_members = Table(
    "delegation_members",
    Base.metadata,
    Column(
        "delegation_id",
        ForeignKey("delegations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
)


class Delegation(Base):
    """Persons attending an event together, with a head."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    head_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(back_populates="delegations")
    organisation: Mapped[Organisation | None] = relationship()
    head: Mapped[Person | None] = relationship()
    members: Mapped[list[Person]] = relationship(
        secondary=delegation_members, order_by="Person.family_name, Person.given_name"
    )
