"""An attendee's personal data: the organisers' attendee list, a copy of everything stored about
one registration for the attendee, and its erasure.

Every function takes the caller's database session; the ones that change anything flush and
never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import contains_eager, joinedload

from confkit import clock
from confkit.formats.attendees_csv import AttendeeSheet
from confkit.models import (
    Affiliation,
    Event,
    OutboxMessage,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    SessionRole,
)
from confkit.organisation_names import organisation_full_names
from confkit.schedule import event_zone
from confkit.services.history import ATTENDEE, record_change
from confkit.services.seats import (
    ACTIVE_STATUSES,
    cancel_registration,
    lock_seats,
    waitlist_position,
)
from confkit.services.signup import new_token

# What an erased attendee is called wherever a name is still needed (lists, counts, delegations).
ERASED_GIVEN_NAME = "Erased"
ERASED_FAMILY_NAME = "attendee"


class AffiliationData(TypedDict):
    organisation: str  # with its parents: "Department, Ministry"
    position: str
    starts_on: str | None  # ISO 8601 date
    ends_on: str | None


class PersonData(TypedDict):
    given_name: str
    family_name: str
    honorific: str
    email: str | None
    bio: str
    affiliations: list[AffiliationData]


class EventData(TypedDict):
    name: str
    slug: str
    time_zone: str  # IANA name; every instant below is given in this zone


class AnswerData(TypedDict):
    key: str
    question: str | None  # the label; None once the question has been removed
    answer: Any  # as stored: text, a list of choices, true, or a country code


class AgendaData(TypedDict):
    session: str  # the session's permanent UUID
    title: str
    starts_at: str
    ends_at: str
    chosen_at: str


class RoleData(TypedDict):
    session: str
    title: str
    role: str


class RegistrationData(TypedDict):
    event: EventData
    category: str
    status: str
    affiliation: str | None  # "Position, Organisation, Parent" as given when registering
    delegation: str | None
    answers: list[AnswerData]
    consent_given_at: str | None
    created_at: str
    updated_at: str
    confirm_by: str | None
    confirmed_at: str | None
    waitlisted_at: str | None
    waiting_list_position: int | None
    cancelled_at: str | None
    checked_in_at: str | None
    agenda: list[AgendaData]
    roles: list[RoleData]  # their parts in this event's programme


class ChangeData(TypedDict):
    at: str
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str


class AttachmentData(TypedDict):
    filename: str
    content_type: str
    content: str


class MailData(TypedDict):
    kind: str
    recipient: str
    subject: str
    status: str  # pending, sent or failed
    created_at: str
    sent_at: str | None
    text_body: str
    html_body: str
    attachments: list[AttachmentData]


class AttendeeData(TypedDict):
    """Everything stored about an attendee for one registration; it survives ``json.dumps``."""

    person: PersonData
    registration: RegistrationData
    history: list[ChangeData]
    mails: list[MailData]


def attendee_sheet(db: DbSession, event: Event) -> AttendeeSheet:
    """The event's registrations for the attendee list, by family then given name, read in four
    queries whatever their number."""
    registrations = (
        db.scalars(
            select(Registration)
            .join(Registration.person)
            .options(
                contains_eager(Registration.person).selectinload(Person.affiliations),
                joinedload(Registration.affiliation),
                joinedload(Registration.delegation),
            )
            .where(Registration.event_id == event.id)
            .order_by(Person.family_name, Person.given_name, Registration.id)
        )
        .unique()
        .all()
    )
    questions = db.scalars(
        select(RegistrationQuestion)
        .where(RegistrationQuestion.event_id == event.id)
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ).all()
    organisation_ids = {
        affiliation.organisation_id
        for r in registrations
        for affiliation in (r.affiliation, *r.person.affiliations)
        if affiliation is not None
    }
    # The order of ``waitlist_position``: who waits longest comes first. A registration an
    # organiser put on the list by hand may have no stamp; its creation stands in.
    waiting = sorted(
        (r for r in registrations if r.status is RegistrationStatus.WAITLISTED),
        key=lambda r: (r.waitlisted_at or r.created_at, r.id),
    )
    return AttendeeSheet(
        event=event,
        questions=questions,
        registrations=registrations,
        organisation_names=organisation_full_names(db, organisation_ids),
        waitlist_positions={r.id: place for place, r in enumerate(waiting, start=1)},
    )


def attendee_data(db: DbSession, registration: Registration) -> AttendeeData:
    """Everything stored about the registered person for this registration: the person, the
    registration with its answers, agenda and roles, its history and the mails sent about it.

    Instants are ISO 8601 in the event's zone. The registration's token is not listed: it is a
    credential for the attendee's links, not information about them (the mails, as sent, carry
    those links).
    """
    event = registration.event
    zone = event_zone(event)
    person = registration.person
    questions = {question.key: question.label for question in event.questions}
    answers: list[AnswerData] = [
        {"key": key, "question": label, "answer": registration.answers[key]}
        for key, label in questions.items()
        if key in registration.answers
    ]
    answers += [
        {"key": key, "question": None, "answer": value}
        for key, value in sorted(registration.answers.items())
        if key not in questions
    ]
    mails = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.registration_id == registration.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    return {
        "person": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "honorific": person.honorific,
            "email": person.email,
            "bio": person.bio,
            "affiliations": [_affiliation_data(a) for a in person.affiliations],
        },
        "registration": {
            "event": {"name": event.name, "slug": event.slug, "time_zone": event.timezone},
            "category": registration.category.value,
            "status": registration.status.value,
            "affiliation": registration.affiliation.label if registration.affiliation else None,
            "delegation": registration.delegation.name if registration.delegation else None,
            "answers": answers,
            "consent_given_at": _instant(registration.consent_given_at, zone),
            "created_at": _local(registration.created_at, zone),
            "updated_at": _local(registration.updated_at, zone),
            "confirm_by": _instant(registration.confirm_by, zone),
            "confirmed_at": _instant(registration.confirmed_at, zone),
            "waitlisted_at": _instant(registration.waitlisted_at, zone),
            "waiting_list_position": waitlist_position(db, registration),
            "cancelled_at": _instant(registration.cancelled_at, zone),
            "checked_in_at": _instant(registration.checked_in_at, zone),
            "agenda": [
                {
                    "session": str(entry.session.uuid),
                    "title": entry.session.title,
                    "starts_at": _local(entry.session.starts_at, zone),
                    "ends_at": _local(entry.session.ends_at, zone),
                    "chosen_at": _local(entry.created_at, zone),
                }
                for entry in registration.agenda
            ],
            "roles": [
                {
                    "session": str(role.session.uuid),
                    "title": role.session.title,
                    "role": role.role.value,
                }
                for role in _roles_at(db, person, event)
            ],
        },
        "history": [
            {
                "at": _local(change.at, zone),
                "actor": change.actor,
                "action": change.action,
                "from_status": change.from_status.value if change.from_status else None,
                "to_status": change.to_status.value if change.to_status else None,
                "note": change.note,
            }
            for change in registration.changes
        ],
        "mails": [
            {
                "kind": mail.kind,
                "recipient": mail.recipient,
                "subject": mail.subject,
                "status": mail.status.value,
                "created_at": _local(mail.created_at, zone),
                "sent_at": _instant(mail.sent_at, zone),
                "text_body": mail.text_body,
                "html_body": mail.html_body,
                "attachments": [
                    {
                        "filename": str(a["filename"]),
                        "content_type": str(a["content_type"]),
                        "content": str(a["content"]),
                    }
                    for a in mail.attachments
                ],
            }
            for mail in mails
        ],
    }


def erase_attendee(
    db: DbSession, registration: Registration, *, base_url: str, now: datetime | None = None
) -> None:
    """Erase the attendee's personal data for this registration, at their request.

    An active registration is cancelled first, as the attendee would, so a freed seat goes to
    the next person waiting. Then the answers, the consent, the position given when registering,
    the agenda, the notes in the history and every mail about the registration, sent or not, are
    deleted, the token is replaced so old links and tickets stop working, and the erasure is
    recorded with no personal data. The registration row stays, with its category, status,
    delegation and times, so counts and history hold.

    The person: one who holds no role in any session and has no other registration becomes
    "Erased attendee" with no honorific, bio, email or affiliations (the row stays, for the same
    reason). Otherwise the name stays, since the published programme or their other
    registrations show it; the bio goes, the email goes unless another active registration still
    needs it, and the position given with this registration goes unless a session role or
    another registration shows it (positions the organisers recorded otherwise stay).
    Nothing of anyone else is touched, and with the email goes every mail addressed to it.
    """
    # Under the event's lock, on the registration as stored now: a request running at the same
    # moment may have just promoted or cancelled it.
    lock_seats(db, registration.event)
    db.refresh(registration)
    stamp = now or clock.now()
    if registration.status in ACTIVE_STATUSES:
        cancel_registration(db, registration, actor=ATTENDEE, base_url=base_url, now=stamp)
    registration.answers = {}
    registration.consent_given_at = None
    given_position = registration.affiliation
    registration.affiliation = None
    registration.token = new_token()
    # Tickets carry the generation, not the token: raising it revokes every ticket issued.
    registration.ticket_generation += 1
    registration.agenda.clear()
    registration.updated_at = stamp
    for change in registration.changes:
        # Notes are free text an organiser may have written about the attendee.
        change.note = ""
    record_change(
        db,
        registration,
        actor=ATTENDEE,
        action="erase",
        at=stamp,
        from_status=registration.status,
    )
    db.flush()
    person = registration.person
    address = person.email
    _erase_person(db, person, registration, given_position, stamp)
    db.execute(
        delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id),
        execution_options={"synchronize_session": "fetch"},
    )
    if address is not None and person.email is None:
        db.execute(
            delete(OutboxMessage).where(OutboxMessage.recipient == address),
            execution_options={"synchronize_session": "fetch"},
        )
    db.flush()


def _erase_person(
    db: DbSession,
    person: Person,
    registration: Registration,
    given_position: Affiliation | None,
    stamp: datetime,
) -> None:
    holds_role = (
        db.scalar(select(SessionRole.id).where(SessionRole.person_id == person.id).limit(1))
        is not None
    )
    other_statuses = db.scalars(
        select(Registration.status).where(
            Registration.person_id == person.id, Registration.id != registration.id
        )
    ).all()
    person.bio = ""
    person.updated_at = stamp
    if not holds_role and not other_statuses:
        person.given_name = ERASED_GIVEN_NAME
        person.family_name = ERASED_FAMILY_NAME
        person.honorific = ""
        person.email = None
        person.affiliations.clear()
        return
    if not ACTIVE_STATUSES.intersection(other_statuses):
        person.email = None
    if given_position is not None and not _shown_elsewhere(db, given_position, registration):
        person.affiliations.remove(given_position)


def _shown_elsewhere(db: DbSession, affiliation: Affiliation, registration: Registration) -> bool:
    """Whether a session role or another registration shows the affiliation."""
    in_roles = select(SessionRole.id).where(SessionRole.affiliation_id == affiliation.id)
    in_registrations = select(Registration.id).where(
        Registration.affiliation_id == affiliation.id, Registration.id != registration.id
    )
    return db.scalar(in_roles.union_all(in_registrations).limit(1)) is not None


def _roles_at(db: DbSession, person: Person, event: Event) -> Sequence[SessionRole]:
    return (
        db.scalars(
            select(SessionRole)
            .join(SessionRole.session)
            .options(contains_eager(SessionRole.session))
            .where(SessionRole.person_id == person.id, ProgrammeSession.event_id == event.id)
            .order_by(ProgrammeSession.starts_at, SessionRole.id)
        )
        .unique()
        .all()
    )


def _affiliation_data(affiliation: Affiliation) -> AffiliationData:
    return {
        "organisation": affiliation.organisation.full_name,
        "position": affiliation.position_title,
        "starts_on": _day(affiliation.starts_on),
        "ends_on": _day(affiliation.ends_on),
    }


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _instant(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return _local(moment, zone) if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
