"""Import attendees from a CSV file, one registration a row, as the organisers add them.

Columns (header names in any case and spacing; only email and family name are required):
``given name``, ``family name``, ``honorific``, ``email``, ``organisation`` (its name, or its
full name "Department, Ministry" as the attendees export writes it), ``organisation kind`` and
``country`` (needed only to create an organisation confkit does not know), ``position``,
``category`` (delegate when blank), ``status`` (confirmed when blank), ``delegation``, and one
column per question of the event's own, headed by the question's label (or key). A
multiple-choice answer lists its choices separated by ``;``; a checkbox is yes or no. The
attendees export's own file is accepted as it is (its dates and waiting-list positions are
ignored), so attendees can be carried from one event to another.

Decisions:

- An address already registered for the event, or given twice in the file, is a row error:
  the import adds registrations and never changes one.
- A person already known by address is reused as stored; the names in the file are not used.
- Capacity is the seat services' rule: the import takes the event's lock and counts the seats
  under it. A confirmed row with no seat left goes to the waiting list when the event keeps
  one (the preview says so), and is a row error otherwise.
- Status may be confirmed, waitlisted, awaiting approval, rejected or cancelled. Unconfirmed is
  refused: it waits for a confirmation mail that an import does not send.
- Nobody is mailed: an import is a record the organisers make. The registration window and the
  registration mode do not apply, as for any registration the organisers add.
- An unknown delegation is created with the person as a member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import Problem, ValidationError
from confkit.i18n import N_, Listed, Phrase
from confkit.imports.csv_table import (
    MAX_ROWS,
    CsvRow,
    CsvSource,
    Words,
    choice_cell,
    header_key,
    read_csv,
)
from confkit.imports.people import person_by_email
from confkit.imports.plan import IN_COLUMN, ImportPlan, Progress, RowOutcome, plan_import
from confkit.models import (
    Affiliation,
    Delegation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationQuestion,
    RegistrationStatus,
)
from confkit.services import (
    add_affiliation,
    add_registration,
    create_delegation,
    create_organisation,
    create_person,
    update_delegation,
)
from confkit.services.people import organisation_choices
from confkit.services.seats import lock_seats, seat_count
from confkit.services.signup import checked_answers, normalise_email

_HEADERS = {
    "given name": ("given name", "first name", "given", "forename"),
    "family name": ("family name", "last name", "surname", "family"),
    "honorific": ("honorific", "salutation"),
    "email": ("email", "e mail", "email address", "mail"),
    "organisation": ("organisation", "organization", "company", "affiliation"),
    "organisation kind": ("organisation kind", "organization kind", "kind of organisation"),
    "country": ("country", "organisation country", "organization country"),
    "position": ("position", "job title", "function"),
    "category": ("category",),
    "status": ("status",),
    "delegation": ("delegation",),
}
COLUMNS = {header_key(alias): name for name, aliases in _HEADERS.items() for alias in aliases}
REQUIRED = ("email", "family name")
# The attendees export's columns that say what happened, not what to record.
EXPORT_ONLY = ("waiting list position", "registered", "confirmed", "checked in")
IMPORTABLE_STATUSES = frozenset(RegistrationStatus) - {RegistrationStatus.UNCONFIRMED}
CHOICE_SEPARATOR = ";"
# A category as a row's summary says it.
_CATEGORY_WORDS = {
    RegistrationCategory.DELEGATE: N_("delegate"),
    RegistrationCategory.SPEAKER: N_("speaker"),
    RegistrationCategory.PRESS: N_("press"),
    RegistrationCategory.OBSERVER: N_("observer"),
    RegistrationCategory.STAFF: N_("staff"),
}
# A status as a row's summary says it.
_STATUS_WORDS = {
    RegistrationStatus.UNCONFIRMED: N_("unconfirmed"),
    RegistrationStatus.CONFIRMED: N_("confirmed"),
    RegistrationStatus.WAITLISTED: N_("waitlisted"),
    RegistrationStatus.AWAITING_APPROVAL: N_("awaiting approval"),
    RegistrationStatus.REJECTED: N_("rejected"),
    RegistrationStatus.CANCELLED: N_("cancelled"),
}


def preview_attendees_csv(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
    actor: str = "organiser",
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """What importing the file would do, row by row, checked exactly as the import checks it
    (seats included); nothing is kept. Raises ValidationError when the file cannot be read."""
    return _run(
        db,
        event,
        source,
        keep=False,
        delimiter=delimiter,
        max_rows=max_rows,
        actor=actor,
        progress=progress,
        now=now,
    )


def import_attendees_csv(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
    actor: str = "organiser",
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """Register every row of the file for the event, in the caller's transaction; ``actor``
    names who did it in each registration's history.

    Raises ValidationError naming the line of every problem: then nothing is kept.
    """
    return _run(
        db,
        event,
        source,
        keep=True,
        delimiter=delimiter,
        max_rows=max_rows,
        actor=actor,
        progress=progress,
        now=now,
    )


def _run(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    keep: bool,
    delimiter: str | None,
    max_rows: int,
    actor: str,
    progress: Progress | None,
    now: datetime | None,
) -> ImportPlan:
    questions = {header_key(q.label): q for q in event.questions} | {
        header_key(q.key): q for q in event.questions
    }
    table = read_csv(
        source,
        columns=COLUMNS,
        required=REQUIRED,
        extra_headers=questions,
        ignored=EXPORT_ONLY,
        delimiter=delimiter,
        max_rows=max_rows,
    )
    # Every seat decision of the import is made under the event's lock, counted in the database.
    lock_seats(db, event)
    rows = _AttendeeRows(db, event, now or clock.now(), actor, questions, _known_organisations(db))
    return plan_import(db, table, rows.apply, keep=keep, progress=progress)


def _known_organisations(db: DbSession) -> dict[str, int]:
    """The id of each organisation by its name and by its full name, in lower case."""
    found: dict[str, int] = {}
    for choice in organisation_choices(db):
        found.setdefault(choice.full_name.casefold(), choice.id)
    for organisation_id, name in db.execute(select(Organisation.id, Organisation.name)):
        found.setdefault(name.casefold(), organisation_id)
    return found


@dataclass
class _AttendeeRows:
    """Applies rows to one event's registrations, remembering the addresses seen."""

    db: DbSession
    event: Event
    now: datetime
    actor: str
    questions: Mapping[str, RegistrationQuestion]
    organisations: dict[str, int]
    emails: dict[str, int] = field(default_factory=dict)

    def apply(self, row: CsvRow, outcome: RowOutcome) -> None:
        problems = outcome.problems
        email = self._email(row, problems)
        category = choice_cell(
            row, "category", RegistrationCategory, RegistrationCategory.DELEGATE, problems
        )
        status = choice_cell(
            row, "status", RegistrationStatus, RegistrationStatus.CONFIRMED, problems
        )
        if status not in IMPORTABLE_STATUSES:
            problems.append(
                Phrase(
                    N_(
                        "status unconfirmed cannot be imported: it waits for a confirmation mail "
                        "that an import does not send (use confirmed or awaiting approval)"
                    )
                )
            )
        answers = self._answers(row, problems)
        if row.get("position") and not row.get("organisation"):
            problems.append(Phrase(N_("position is given without an organisation")))
        if problems:
            return
        assert email is not None
        person = self._person(row, email, outcome)
        if person is None:
            return
        registered = self._registration_of(person)
        if registered is not None:
            problems.append(
                Phrase(
                    N_("%(email)s is already registered for this event (%(status)s)"),
                    email=email,
                    status=registered.status.value,
                )
            )
            return
        affiliation = self._affiliation(row, person, outcome)
        if problems:
            return
        status = self._seat(status, outcome)
        if problems:
            return
        delegation = self._delegation(row, person, outcome)
        registration = add_registration(
            self.db,
            self.event,
            person,
            category=category,
            status=status,
            delegation=delegation,
            actor=self.actor,
            now=self.now,
        )
        # The organisers' own addition records no position or answers; the file has them.
        registration.affiliation = affiliation
        registration.answers = answers
        outcome.created["registrations"] += 1
        parts: list[Words] = [
            person.name,
            email,
            Phrase(_CATEGORY_WORDS[category]),
            Phrase(_STATUS_WORDS[status]),
        ]
        if affiliation is not None:
            parts.append(affiliation.label)
        outcome.summary = Listed(parts)

    def _email(self, row: CsvRow, problems: list[Words]) -> str | None:
        text = row.get("email")
        if not text:
            problems.append(Phrase(N_("email is empty")))
            return None
        try:
            email = normalise_email(text)
        except ValidationError as error:
            problems += [
                Phrase(N_('email "%(text)s": %(problem)s'), text=text, problem=p)
                for p in error.problems
            ]
            return None
        earlier = self.emails.setdefault(email.casefold(), row.line)
        if earlier != row.line:
            problems.append(
                Phrase(N_("%(email)s is also on line %(line)s"), email=email, line=earlier)
            )
        return email

    def _answers(self, row: CsvRow, problems: list[Words]) -> dict[str, Any]:
        given: dict[str, Any] = {}
        for header, text in row.extra.items():
            question = self.questions[header]
            given[question.key] = (
                [c.strip() for c in text.split(CHOICE_SEPARATOR) if c.strip()]
                if question.kind is QuestionKind.MULTIPLE_CHOICE
                else text
            )
        try:
            return checked_answers(self.event.questions, given)
        except ValidationError as error:
            labels = {f"answers.{q.key}": q.label for q in self.event.questions}
            problems += [
                Phrase(ANSWER_PROBLEM, question=labels.get(p.field, p.field), problem=p)
                for p in error.problems
            ]
            return {}

    def _person(self, row: CsvRow, email: str, outcome: RowOutcome) -> Person | None:
        found = person_by_email(self.db, email)
        if found is not None:
            given, family = row.get("given name"), row.get("family name")
            if (given, family) != (found.given_name, found.family_name):
                outcome.notes.append(
                    Phrase(
                        N_("%(email)s is %(name)s already; the names here are not used"),
                        email=email,
                        name=found.name,
                    )
                )
            return found
        try:
            person = create_person(
                self.db,
                given_name=row.get("given name"),
                family_name=row.get("family name"),
                honorific=row.get("honorific"),
                email=email,
                now=self.now,
            )
        except ValidationError as error:
            outcome.problems += [_in_column(p) for p in error.problems]
            return None
        outcome.created["persons"] += 1
        return person

    def _registration_of(self, person: Person) -> Registration | None:
        return self.db.scalar(
            select(Registration).where(
                Registration.event_id == self.event.id, Registration.person_id == person.id
            )
        )

    def _affiliation(self, row: CsvRow, person: Person, outcome: RowOutcome) -> Affiliation | None:
        name = row.get("organisation")
        if not name:
            return None
        organisation = self._organisation(row, name, outcome)
        if organisation is None:
            return None
        position = row.get("position")
        for affiliation in person.affiliations:
            if (
                affiliation.organisation_id == organisation.id
                and affiliation.position_title == position
            ):
                return affiliation
        try:
            return add_affiliation(self.db, person, organisation, position_title=position)
        except ValidationError as error:
            outcome.problems += [_in_column(p) for p in error.problems]
            return None

    def _organisation(self, row: CsvRow, name: str, outcome: RowOutcome) -> Organisation | None:
        known = self.organisations.get(name.casefold())
        if known is not None:
            return self.db.get(Organisation, known)
        # Created by an earlier row of this file.
        made = self.db.scalars(
            select(Organisation)
            .where(func.lower(Organisation.name) == name.lower())
            .order_by(Organisation.id)
        ).first()
        if made is not None:
            return made
        kind = row.get("organisation kind")
        if not kind:
            kinds = ", ".join(k.value.replace("_", " ") for k in OrganisationKind)
            outcome.problems.append(
                Phrase(
                    N_(
                        'organisation "%(name)s" is not known: give its kind in an '
                        '"organisation kind" column to add it (%(kinds)s)'
                    ),
                    name=name,
                    kinds=kinds,
                )
            )
            return None
        kind_value = choice_cell(
            row, "organisation kind", OrganisationKind, OrganisationKind.NGO, outcome.problems
        )
        if outcome.problems:
            return None
        country = row.get("country").upper() or None
        try:
            organisation = create_organisation(self.db, name=name, kind=kind_value, country=country)
        except ValidationError as error:
            outcome.problems += [
                Phrase(N_("organisation %(problem)s"), problem=_in_column(p))
                for p in error.problems
            ]
            return None
        outcome.created["organisations"] += 1
        outcome.notes.append(Phrase(N_('adds the organisation "%(name)s"'), name=name))
        return organisation

    def _seat(self, status: RegistrationStatus, outcome: RowOutcome) -> RegistrationStatus:
        """The status the row gets: a confirmed row needs a seat, counted under the lock."""
        if status is not RegistrationStatus.CONFIRMED:
            return status
        seats = seat_count(self.db, self.event)
        if seats.free is None or seats.free > 0:
            return status
        if self.event.waitlist_enabled:
            outcome.notes.append(
                Phrase(
                    N_("goes to the waiting list: all %(capacity)s seats are taken"),
                    capacity=self.event.capacity,
                )
            )
            return RegistrationStatus.WAITLISTED
        outcome.problems.append(
            Phrase(
                N_(
                    "no seat is left: all %(capacity)s seats are taken and the event keeps "
                    "no waiting list"
                ),
                capacity=self.event.capacity,
            )
        )
        return status

    def _delegation(self, row: CsvRow, person: Person, outcome: RowOutcome) -> Delegation | None:
        name = row.get("delegation")
        if not name:
            return None
        for delegation in self.event.delegations:
            if delegation.name.casefold() == name.casefold():
                if person not in delegation.members:
                    update_delegation(self.db, delegation, members=[*delegation.members, person])
                return delegation
        outcome.created["delegations"] += 1
        outcome.notes.append(Phrase(N_('adds the delegation "%(name)s"'), name=name))
        return create_delegation(self.db, self.event, name=name, members=[person])


# A problem with an answer, the question first.
ANSWER_PROBLEM = '"%(question)s" %(problem)s'


def _in_column(problem: Problem) -> Words:
    """A service's problem with its field named as the file's column."""
    return Phrase(IN_COLUMN, column=problem.field.replace("_", " "), problem=problem)
