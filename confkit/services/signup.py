"""Registering through the public form: one registration per person and event, and a reply that
never tells a third party whether an address was already registered.

Submitting creates an unconfirmed registration, which holds no seat, and mails a confirmation
link (``confkit.services.seats.confirm_registration`` takes it from there). Submitting again with
the same address changes nothing stored about that person; the owner of the address gets a mail
saying so instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from confkit import clock
from confkit.errors import ValidationError
from confkit.i18n import DEFAULT_LOCALE, LOCALES, N_, EnglishOnly
from confkit.mail.compose import Notice, compose, mail_host
from confkit.mail.notify import notify
from confkit.mail.outbox import message_row
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
    RegistrationMode,
    RegistrationQuestion,
    RegistrationStatus,
)
from confkit.registration_window import RegistrationState, registration_state
from confkit.services.checks import Problems, iso_country_codes
from confkit.services.common import ModelT, as_enum, savepoint
from confkit.services.first_registration import FirstRegistrationRows, insert_first_registration
from confkit.services.history import ATTENDEE, change_row, record_change
from confkit.services.kept_events import StaleEvent, current_fingerprint
from confkit.services.people import add_affiliation, create_organisation
from confkit.services.registration_settings import (
    check_invitation_code,
    public_categories,
    use_invitation_code,
)
from confkit.services.seats import ACTIVE_STATUSES, CONFIRMATION_PERIOD

# 32 random bytes: 256 bits, 43 characters of URL-safe base64.
TOKEN_BYTES = 32
_TEXT_LIMITS = {QuestionKind.SHORT_TEXT: 300, QuestionKind.LONG_TEXT: 5000}
# What HTML forms and programs send for a checkbox.
_TICKED = frozenset({"y", "yes", "on", "true", "1"})
_UNTICKED = frozenset({"", "n", "no", "off", "false", "0"})


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation the person names that confkit does not know yet."""

    name: str
    kind: OrganisationKind | str
    country: str | None = None


@dataclass(frozen=True)
class SignupDetails:
    """What a person enters on the registration form."""

    given_name: str
    family_name: str
    email: str
    category: RegistrationCategory | str = RegistrationCategory.DELEGATE
    organisation_id: int | None = None
    new_organisation: NewOrganisation | None = None
    position: str = ""
    delegation_id: int | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    consent: bool = False
    invitation_code: str | None = None
    # The language of the form: the person's mails are written in it (confkit.i18n.LOCALES).
    locale: str = DEFAULT_LOCALE


@dataclass(frozen=True)
class SignupOutcome:
    """The registration the details led to.

    ``created`` is True only when a new registration was stored; it is False for an address
    already registered (nothing changed, the owner was mailed) and for a cancelled registration
    opened again. It is for the organisers, logs and tests: whoever submitted the form may not
    be the owner of the address, so the page shown to them must not depend on ``created`` or on
    anything in ``registration`` (its status, its token): "we have sent you a mail" is true in
    every case.
    """

    registration: Registration
    created: bool


def new_token() -> str:
    """A secret for an attendee's links: 256 bits from the system's random source."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def register(
    db: DbSession,
    event: Event,
    details: SignupDetails,
    *,
    base_url: str,
    now: datetime | None = None,
) -> SignupOutcome:
    """Register a person for the event from the public form and mail them.

    A new address gets an unconfirmed registration and a confirmation link. An address already
    registered gets a mail about its registration and nothing changes; a cancelled one is
    opened again, unconfirmed. Raises ValidationError naming every problem with the details, or
    the event's registration being closed.
    """
    stamp = now or clock.now()
    # Every check that can refuse the details runs here, before it is known whether the address
    # is registered: otherwise a refusal would tell a stranger that it is not.
    email = _checked(db, event, details, stamp)
    if _writes_nothing_else(event, details):
        # An address nobody has registered yet is stored at once; a known one (or one stored by
        # another request a moment ago) writes nothing here and is answered below.
        fresh = _store_new_person(db, event, details, email, stamp, base_url)
        if fresh is not None:
            return SignupOutcome(fresh, created=True)
    known_person = _person_by_email(db, email)
    existing = _registration_of(db, event, known_person)
    if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
        _remind(db, existing, details.locale, base_url, stamp)
        return SignupOutcome(existing, created=False)
    try:
        # All or nothing: a refused invitation code or a lost race leaves no person,
        # organisation or spent code behind.
        unique = {"uq_registrations_event_id_person_id": "email", "uq_persons_email": "email"}
        with savepoint(db, unique):
            registration, created = _store(db, event, details, email, known_person, existing, stamp)
    except ValidationError as error:
        # The same address was registered by another request a moment ago (a double click):
        # answer as for any address already registered.
        raced = (
            _registration_of(db, event, _person_by_email(db, email))
            if error.fields == {"email"}
            else None
        )
        if existing is not None or raced is None or raced.status is RegistrationStatus.CANCELLED:
            raise
        _remind(db, raced, details.locale, base_url, stamp)
        return SignupOutcome(raced, created=False)
    _mail(db, registration, Notice.CONFIRM_REQUEST, base_url, stamp)
    db.flush()
    return SignupOutcome(registration, created=created)


def register_new_address(
    db: DbSession,
    event: Event,
    details: SignupDetails,
    *,
    base_url: str,
    now: datetime | None = None,
    fingerprint: str | None = None,
) -> Registration | None:
    """The public form's common case, done by one statement: an address confkit does not know,
    registering with nothing else to store (no organisation, delegation or invitation code).

    The person, the unconfirmed registration, its history and its confirmation mail are written
    by a single INSERT statement, so this may run in :meth:`confkit.db.Store.statement_session`,
    where that statement commits as it runs. Returns the registration; or None, having written
    nothing, when the details need :func:`register` (an address already stored, an
    organisation, a delegation, an invitation code): call it then, in a transaction, with the
    event read afresh if ``event`` is a copy. Raises ValidationError as :func:`register` does.

    ``fingerprint`` says that ``event`` is a copy read earlier, by an
    :class:`~confkit.services.kept_events.EventKeeper`: every answer then holds for the event
    as it is now, or StaleEvent is raised, having written nothing.
    """
    stamp = now or clock.now()
    try:
        email = _checked(db, event, details, stamp)
    except ValidationError:
        _still_current(db, event, fingerprint)
        raise
    if not _writes_nothing_else(event, details) or details.delegation_id is not None:
        # A delegation is read by the checks and written by the INSERT: two statements.
        return None
    registration = _store_new_person(db, event, details, email, stamp, base_url, fingerprint)
    if registration is None:
        _still_current(db, event, fingerprint)
    return registration


def _still_current(db: DbSession, event: Event, fingerprint: str | None) -> None:
    """Raise StaleEvent if ``event`` is a copy (it has a fingerprint) that is out of date."""
    if fingerprint is not None and current_fingerprint(db, event.id) != fingerprint:
        raise StaleEvent(f"event {event.slug!r} changed since it was read")


def _store(
    db: DbSession,
    event: Event,
    details: SignupDetails,
    email: str,
    person: Person | None,
    existing: Registration | None,
    stamp: datetime,
) -> tuple[Registration, bool]:
    """Write a new registration, or open a cancelled one again; True when it is new."""
    invitation = None
    if event.registration_mode is RegistrationMode.INVITATION:
        invitation = use_invitation_code(db, event, details.invitation_code or "")
    if person is None:
        person = _new_person(details, email, stamp)
        db.add(person)
    affiliation = _affiliation(db, person, details)
    answers = checked_answers(event.questions, details.answers)
    category = as_enum(RegistrationCategory, details.category, field="category")
    if invitation is not None and invitation.category is not None:
        category = invitation.category
    delegation = db.get(Delegation, details.delegation_id) if details.delegation_id else None
    values = {
        "person": person,
        "affiliation": affiliation,
        "delegation": delegation,
        "invitation_code": invitation,
        "category": category,
        "status": RegistrationStatus.UNCONFIRMED,
        "answers": answers,
        "locale": details.locale,
        "consent_given_at": stamp if details.consent else None,
        "confirm_by": stamp + CONFIRMATION_PERIOD,
        "confirmed_at": None,
        "waitlisted_at": None,
        "cancelled_at": None,
        "checked_in_at": None,
        "updated_at": stamp,
    }
    if existing is not None:
        previous = existing.status
        for name, value in values.items():
            setattr(existing, name, value)
        record_change(
            db, existing, actor=ATTENDEE, action="register again", at=stamp, from_status=previous
        )
        db.flush()
        return existing, False
    registration = Registration(event=event, token=new_token(), created_at=stamp, **values)
    db.add(registration)
    record_change(db, registration, actor=ATTENDEE, action="register", at=stamp, from_status=None)
    # One flush writes the person, the registration and its history together.
    db.flush()
    return registration, True


def _writes_nothing_else(event: Event, details: SignupDetails) -> bool:
    """True when registering writes only the person, the registration, its history and its mail:
    no organisation, affiliation or invitation code that could still be refused after them."""
    return (
        event.registration_mode is not RegistrationMode.INVITATION
        and details.organisation_id is None
        and details.new_organisation is None
    )


def _store_new_person(
    db: DbSession,
    event: Event,
    details: SignupDetails,
    email: str,
    stamp: datetime,
    base_url: str,
    fingerprint: str | None = None,
) -> Registration | None:
    """Write a new person and their unconfirmed registration with its history and confirmation
    mail; None, writing nothing, when a person has that address already, or when the event has
    no longer the ``fingerprint`` given.

    The common case of the public form, written with plain INSERTs
    (:mod:`confkit.services.first_registration`): nothing after the person can be refused, and
    the only race, on the address, is settled by the insert itself, so no savepoint is needed
    to keep the transaction usable.
    """
    person_values: dict[str, Any] = {
        "given_name": details.given_name.strip(),
        "family_name": details.family_name.strip(),
        "honorific": "",
        "email": email,
        "bio": "",
        "created_at": stamp,
        "updated_at": stamp,
    }
    values: dict[str, Any] = {
        "event_id": event.id,
        "affiliation_id": None,
        "delegation_id": details.delegation_id,
        "invitation_code_id": None,
        "category": as_enum(RegistrationCategory, details.category, field="category"),
        "status": RegistrationStatus.UNCONFIRMED,
        "token": new_token(),
        "ticket_generation": 1,
        "answers": checked_answers(event.questions, details.answers),
        "locale": details.locale,
        "consent_given_at": stamp if details.consent else None,
        "confirm_by": stamp + CONFIRMATION_PERIOD,
        "confirmed_at": None,
        "waitlisted_at": None,
        "cancelled_at": None,
        "checked_in_at": None,
        "created_at": stamp,
        "updated_at": stamp,
    }
    person = Person(**person_values)
    registration = Registration(**values)
    # Tied without the ORM's events, so that nothing joins the session before it is written.
    set_committed_value(registration, "person", person)
    set_committed_value(registration, "event", event)
    # The mail is written in the same statement as the rows, so it is composed first.
    mail = compose(Notice.CONFIRM_REQUEST, registration, base_url=base_url)
    rows = FirstRegistrationRows(
        person=person_values,
        registration=values,
        change=change_row(
            registration, actor=ATTENDEE, action="register", at=stamp, from_status=None
        ),
        message=message_row(
            mail, kind=Notice.CONFIRM_REQUEST.value, host=mail_host(base_url), now=stamp
        ),
    )
    written = insert_first_registration(db, rows, event_fingerprint=fingerprint)
    if written is None:
        return None
    person.id, registration.id = written
    registration.person_id = person.id
    _persistent(db, person)
    _persistent(db, registration)
    return registration


def _persistent(db: DbSession, instance: ModelT) -> ModelT:
    """``instance``, just written with a plain INSERT, as a loaded object of ``db``."""
    make_transient_to_detached(instance)
    db.add(instance)
    return instance


def normalise_email(email: str) -> str:
    """The address as stored: checked for syntax only (no network look-up), domain lowercased.
    Raises ValidationError."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        # The library says what is wrong in English; other languages say that it is wrong.
        reason = EnglishOnly(str(error), N_("is not a valid email address"))
        raise ValidationError.single("email", "%(reason)s", reason=reason) from None
    return str(checked.normalized)


def _checked(db: DbSession, event: Event, details: SignupDetails, stamp: datetime) -> str:
    problems = Problems()
    if registration_state(event, stamp) is not RegistrationState.OPEN:
        raise ValidationError.single("event", N_("registration for this event is not open"))
    problems.text("given_name", details.given_name, max_length=200)
    problems.text("family_name", details.family_name, max_length=200)
    problems.text("position", details.position, max_length=300, required=False)
    email = problems.collect(lambda: normalise_email(details.email or ""))
    category = problems.collect(
        lambda: as_enum(RegistrationCategory, details.category, field="category")
    )
    if category is not None and category not in public_categories(event):
        problems.add(
            "category", N_("%(category)s is not offered on this form"), category=category.value
        )
    if details.organisation_id is not None and details.new_organisation is not None:
        problems.add("organisation", N_("choose an organisation or name a new one, not both"))
    if (
        details.organisation_id is not None
        and db.get(Organisation, details.organisation_id) is None
    ):
        problems.add("organisation", N_("is not a known organisation"))
    if details.new_organisation is not None:
        new = details.new_organisation
        problems.text("organisation_name", new.name, max_length=300)
        problems.collect(lambda: as_enum(OrganisationKind, new.kind, field="organisation_kind"))
        if new.country:
            problems.country("organisation_country", new.country)
    if details.delegation_id is not None:
        delegation = db.get(Delegation, details.delegation_id)
        if delegation is None or delegation.event_id != event.id:
            problems.add("delegation", N_("is not a delegation to this event"))
    problems.collect(lambda: checked_answers(event.questions, details.answers))
    if event.consent_text and not details.consent:
        problems.add("consent", N_("is needed to register"))
    if details.locale not in LOCALES:
        problems.add("locale", N_("must be one of: %(choices)s"), choices=", ".join(LOCALES))
    if event.registration_mode is RegistrationMode.INVITATION:
        code = (details.invitation_code or "").strip()
        if not code:
            problems.add("invitation_code", N_("is required: this event is by invitation only"))
        else:
            # Only checked here; a use is spent when the registration is stored.
            problems.collect(lambda: check_invitation_code(db, event, code))
    problems.raise_if_any()
    assert email is not None
    return email


def checked_answers(
    questions: Sequence[RegistrationQuestion], given: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers to the event's questions, checked; anything else given is dropped."""
    problems = Problems()
    answers: dict[str, Any] = {}
    for question in questions:
        value = given.get(question.key)
        name = f"answers.{question.key}"
        if question.kind is QuestionKind.CHECKBOX:
            ticked = _ticked(value)
            if ticked is None:
                problems.add(name, N_("must be ticked or not"))
            elif ticked:
                answers[question.key] = True
            elif question.required:
                problems.add(name, N_("is required"))
            continue
        if _is_empty(value):
            if question.required:
                problems.add(name, N_("is required"))
            continue
        match question.kind:
            case QuestionKind.SHORT_TEXT | QuestionKind.LONG_TEXT:
                if not isinstance(value, str):
                    problems.add(name, N_("must be text"))
                    continue
                problems.text(name, value, max_length=_TEXT_LIMITS[question.kind])
                answers[question.key] = value.strip()
            case QuestionKind.SINGLE_CHOICE:
                if value not in question.choices:
                    problems.add(name, N_("is not one of the choices"))
                    continue
                answers[question.key] = value
            case QuestionKind.MULTIPLE_CHOICE:
                chosen = [value] if isinstance(value, str) else value
                if not isinstance(chosen, list) or any(c not in question.choices for c in chosen):
                    problems.add(name, N_("is not among the choices"))
                    continue
                answers[question.key] = [c for c in question.choices if c in chosen]
            case QuestionKind.COUNTRY:
                code = value.strip().upper() if isinstance(value, str) else None
                if code not in iso_country_codes():
                    problems.add(name, N_("is not an ISO 3166-1 country code"))
                    continue
                answers[question.key] = code
    problems.raise_if_any()
    return answers


def _is_empty(value: object) -> bool:
    # Blank text is no answer: an optional question left with a space in it is not "required".
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False or (isinstance(value, list) and not value)


def _ticked(value: object) -> bool | None:
    """A checkbox as a form or a program may send it; None for anything else."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TICKED:
            return True
        if word in _UNTICKED:
            return False
    return None


def _registration_of(db: DbSession, event: Event, person: Person | None) -> Registration | None:
    if person is None:
        return None
    return db.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.person_id == person.id
        )
    )


def _person_by_email(db: DbSession, email: str) -> Person | None:
    return db.scalars(
        select(Person).where(func.lower(Person.email) == email.lower()).order_by(Person.id)
    ).first()


def _new_person(details: SignupDetails, email: str, stamp: datetime) -> Person:
    # The names and the address were checked with the rest of the form, and the address was
    # just looked up: a person who registered it a moment ago makes the caller's savepoint
    # fail on the unique address, which ``register`` answers like any known address.
    return Person(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        honorific="",
        email=email,
        bio="",
        created_at=stamp,
        updated_at=stamp,
    )


def _affiliation(db: DbSession, person: Person, details: SignupDetails) -> Affiliation | None:
    organisation: Organisation | None = None
    if details.organisation_id is not None:
        organisation = db.get(Organisation, details.organisation_id)
    elif details.new_organisation is not None:
        new = details.new_organisation
        organisation = db.scalar(
            select(Organisation).where(func.lower(Organisation.name) == new.name.strip().lower())
        ) or create_organisation(
            db, name=new.name.strip(), kind=new.kind, country=(new.country or None)
        )
    if organisation is None:
        return None
    position = details.position.strip()
    for affiliation in person.affiliations:
        if (
            affiliation.organisation_id == organisation.id
            and affiliation.position_title == position
        ):
            return affiliation
    return add_affiliation(db, person, organisation, position_title=position)


def _remind(
    db: DbSession, registration: Registration, locale: str, base_url: str, stamp: datetime
) -> None:
    """Mail the owner of an address that was registered again, in the language of the form
    just sent (whoever sent it, the stored language stays); change nothing else, except that an
    unconfirmed registration gets a fresh confirmation period."""
    if registration.status is RegistrationStatus.UNCONFIRMED:
        registration.confirm_by = stamp + CONFIRMATION_PERIOD
        notice = Notice.CONFIRM_REQUEST
    else:
        notice = Notice.ALREADY_REGISTERED
    notify(db, registration, notice, base_url=base_url, now=stamp, locale=locale)
    assert registration.status in ACTIVE_STATUSES | {RegistrationStatus.REJECTED}
    db.flush()


def _mail(
    db: DbSession, registration: Registration, notice: Notice, base_url: str, stamp: datetime
) -> None:
    notify(db, registration, notice, base_url=base_url, now=stamp)
