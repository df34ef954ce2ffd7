"""An event's registration settings: window, mode, waiting list, categories, questions, consent,
and invitation codes.

Every function takes the caller's database session, flushes, and never commits. The capacity is
changed with ``confkit.services.seats.set_capacity``, which gives new seats to the waiting list;
``save_registration_settings`` changes it together with the other settings.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ValidationError
from confkit.i18n import N_, Counted
from confkit.models import (
    Event,
    InvitationCode,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationMode,
    RegistrationQuestion,
)
from confkit.services.checks import Problems
from confkit.services.common import UNSET, Unset, as_enum, savepoint
from confkit.services.seats import set_capacity

# What the public form offers when the organisers have not chosen.
DEFAULT_PUBLIC_CATEGORIES = (
    RegistrationCategory.DELEGATE,
    RegistrationCategory.OBSERVER,
    RegistrationCategory.PRESS,
)
_CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_USED_UP = N_("has been used as often as it may be")


def public_categories(event: Event) -> tuple[RegistrationCategory, ...]:
    """The categories people may choose on the event's public form, in a stable order."""
    chosen = {RegistrationCategory(c) for c in event.registration_categories}
    if not chosen:
        return DEFAULT_PUBLIC_CATEGORIES
    return tuple(c for c in RegistrationCategory if c in chosen)


def configure_registration(
    db: DbSession,
    event: Event,
    *,
    opens_at: datetime | None | Unset = UNSET,
    closes_at: datetime | None | Unset = UNSET,
    mode: RegistrationMode | str | Unset = UNSET,
    waitlist_enabled: bool | Unset = UNSET,
    categories: Sequence[RegistrationCategory | str] | Unset = UNSET,
    consent_text: str | Unset = UNSET,
    now: datetime | None = None,
) -> Event:
    """Change how the event takes registrations. Without a closing time, registration closes
    when the event ends (``confkit.registration_window``). Raises ValidationError naming every
    problem."""
    problems = Problems()
    values = _checked_settings(
        problems,
        event,
        opens_at=opens_at,
        closes_at=closes_at,
        mode=mode,
        waitlist_enabled=waitlist_enabled,
        categories=categories,
        consent_text=consent_text,
    )
    problems.raise_if_any()
    _apply_settings(db, event, values, now or clock.now())
    return event


def save_registration_settings(
    db: DbSession,
    event: Event,
    *,
    base_url: str,
    capacity: int | None | Unset = UNSET,
    opens_at: datetime | None | Unset = UNSET,
    closes_at: datetime | None | Unset = UNSET,
    mode: RegistrationMode | str | Unset = UNSET,
    waitlist_enabled: bool | Unset = UNSET,
    categories: Sequence[RegistrationCategory | str] | Unset = UNSET,
    consent_text: str | Unset = UNSET,
    now: datetime | None = None,
) -> list[Registration]:
    """``configure_registration`` and a new capacity (None: no limit) at once, checked together:
    nothing changes unless everything is valid. The capacity goes through
    ``seats.set_capacity``, so the seats it frees go to the waiting list in order. Returns the
    registrations promoted. Raises ValidationError naming every problem."""
    problems = Problems()
    values = _checked_settings(
        problems,
        event,
        opens_at=opens_at,
        closes_at=closes_at,
        mode=mode,
        waitlist_enabled=waitlist_enabled,
        categories=categories,
        consent_text=consent_text,
    )
    if not isinstance(capacity, Unset):
        problems.not_negative("capacity", capacity)
    problems.raise_if_any()
    stamp = now or clock.now()
    _apply_settings(db, event, values, stamp)
    if isinstance(capacity, Unset) or capacity == event.capacity:
        return []
    return set_capacity(db, event, capacity, base_url=base_url, now=stamp)


def _checked_settings(
    problems: Problems,
    event: Event,
    *,
    opens_at: datetime | None | Unset = UNSET,
    closes_at: datetime | None | Unset = UNSET,
    mode: RegistrationMode | str | Unset = UNSET,
    waitlist_enabled: bool | Unset = UNSET,
    categories: Sequence[RegistrationCategory | str] | Unset = UNSET,
    consent_text: str | Unset = UNSET,
) -> dict[str, object]:
    """The event's columns to set, by name; what is wrong goes to ``problems``."""
    values: dict[str, object] = {}
    for name, value in (("registration_opens_at", opens_at), ("registration_closes_at", closes_at)):
        if value is UNSET:
            continue
        if value is None or problems.aware(name, value):
            values[name] = value
    opening = values.get("registration_opens_at", event.registration_opens_at)
    closing = values.get("registration_closes_at", event.registration_closes_at)
    if isinstance(opening, datetime) and isinstance(closing, datetime) and closing <= opening:
        problems.add("registration_closes_at", N_("must be after the opening time"))
    if mode is not UNSET:
        values["registration_mode"] = problems.collect(
            lambda: as_enum(RegistrationMode, mode, field="mode")
        )
    if waitlist_enabled is not UNSET:
        values["waitlist_enabled"] = bool(waitlist_enabled)
    if categories is not UNSET:
        chosen = [_category(problems, c) for c in categories]
        values["registration_categories"] = [c.value for c in chosen if c is not None]
    if consent_text is not UNSET:
        problems.text("consent_text", consent_text, max_length=5000, required=False)
        if isinstance(consent_text, str):
            values["consent_text"] = consent_text.strip()
    return values


def _apply_settings(
    db: DbSession, event: Event, values: dict[str, object], stamp: datetime
) -> None:
    for name, new_value in values.items():
        setattr(event, name, new_value)
    event.updated_at = stamp
    db.flush()


def _category(problems: Problems, value: RegistrationCategory | str) -> RegistrationCategory | None:
    return problems.collect(lambda: as_enum(RegistrationCategory, value, field="categories"))


def add_question(
    db: DbSession,
    event: Event,
    *,
    key: str,
    label: str,
    kind: QuestionKind | str,
    choices: Sequence[str] = (),
    required: bool = False,
    position: int | None = None,
) -> RegistrationQuestion:
    """Add a question of the event's own to its form; answers are stored under ``key``.
    Raises ValidationError."""
    problems = Problems()
    if not isinstance(key, str) or not _KEY.match(key):
        problems.add(
            "key", N_("must be lowercase letters, digits and underscores, starting with a letter")
        )
    resolved_kind, cleaned = _checked_question(problems, label, kind, choices)
    problems.raise_if_any()
    assert resolved_kind is not None  # a kind that is none of them is a problem raised above
    if position is None:
        existing = db.scalars(
            select(RegistrationQuestion.position).where(RegistrationQuestion.event_id == event.id)
        ).all()
        position = max(existing, default=-1) + 1
    with savepoint(db, {"uq_registration_questions_event_id_key": "key"}):
        question = RegistrationQuestion(
            event=event,
            key=key,
            label=label.strip(),
            kind=resolved_kind,
            choices=cleaned,
            required=bool(required),
            position=position,
        )
        db.add(question)
    return question


def update_question(
    db: DbSession,
    question: RegistrationQuestion,
    *,
    label: str | Unset = UNSET,
    kind: QuestionKind | str | Unset = UNSET,
    choices: Sequence[str] | Unset = UNSET,
    required: bool | Unset = UNSET,
) -> RegistrationQuestion:
    """Change a question's wording, kind, choices or whether it must be answered. Its key stays:
    the answers given are kept under it, as they were given, even when a choice is renamed or
    dropped. Once anyone has answered, the kind stays too. Raises ValidationError."""
    problems = Problems()
    new_label = question.label if label is UNSET else label
    new_kind = question.kind if kind is UNSET else kind
    new_choices = question.choices if choices is UNSET else choices
    resolved_kind, cleaned = _checked_question(problems, new_label, new_kind, new_choices)
    if resolved_kind is not None and resolved_kind is not question.kind:
        answered = answer_count(db, question)
        if answered:
            problems.add(
                "kind", N_("cannot change: %(people)s answered as it is"), people=_people(answered)
            )
    problems.raise_if_any()
    assert resolved_kind is not None  # a kind that is none of them is a problem raised above
    question.label = new_label.strip()
    question.kind = resolved_kind
    question.choices = cleaned
    if required is not UNSET:
        question.required = bool(required)
    db.flush()
    return question


def move_question(db: DbSession, question: RegistrationQuestion, *, by: int) -> None:
    """Move a question ``by`` places on the form (negative: earlier), stopping at either end;
    the questions are numbered 0, 1, 2, ... afterwards."""
    ordered = sorted(question.event.questions, key=lambda each: (each.position, each.id))
    index = ordered.index(question)
    ordered.insert(max(0, min(len(ordered) - 1, index + by)), ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position
    db.flush()


def remove_question(db: DbSession, question: RegistrationQuestion) -> None:
    """Delete a question nobody has answered. A question with answers is refused (field
    ``question``): the answers would lose their question in the attendee's data and the
    attendees CSV; make it optional instead."""
    answered = answer_count(db, question)
    if answered:
        raise ValidationError.single(
            "question",
            N_("cannot be removed: %(people)s answered it; make it optional instead"),
            people=_people(answered),
        )
    event = question.event
    db.delete(question)
    db.flush()
    db.expire(event, ["questions"])


def answer_count(db: DbSession, question: RegistrationQuestion) -> int:
    """How many of the event's registrations hold an answer to the question."""
    # Answers are a JSON object per registration; reading them keeps this the same on every
    # database, and an event's registrations are few enough.
    answers = db.scalars(
        select(Registration.answers).where(Registration.event_id == question.event_id)
    )
    return sum(1 for given in answers if isinstance(given, dict) and question.key in given)


def answer_counts(db: DbSession, event: Event) -> dict[str, int]:
    """How many registrations answered each of the event's questions, by key."""
    counts = {question.key: 0 for question in event.questions}
    for given in db.scalars(select(Registration.answers).where(Registration.event_id == event.id)):
        for key in given if isinstance(given, dict) else ():
            if key in counts:
                counts[key] += 1
    return counts


def _people(number: int) -> Counted:
    return Counted("%(num)s person", "%(num)s people", number)


def _checked_question(
    problems: Problems, label: str, kind: QuestionKind | str, choices: Sequence[str]
) -> tuple[QuestionKind | None, list[str]]:
    """The kind and the cleaned choices; what is wrong goes to ``problems``."""
    problems.text("label", label, max_length=300)
    resolved_kind = problems.collect(lambda: as_enum(QuestionKind, kind, field="kind"))
    cleaned = [c.strip() for c in choices if isinstance(c, str) and c.strip()]
    if resolved_kind in _CHOICE_KINDS and len(cleaned) < 2:
        problems.add("choices", N_("a choice question needs at least two choices"))
    if resolved_kind is not None and resolved_kind not in _CHOICE_KINDS and cleaned:
        problems.add("choices", N_("a %(kind)s question has no choices"), kind=resolved_kind.value)
    if len(set(cleaned)) != len(cleaned):
        problems.add("choices", N_("are not all different"))
    for choice in cleaned:
        problems.text("choices", choice, max_length=200)
    return resolved_kind, cleaned


def add_invitation_code(
    db: DbSession,
    event: Event,
    *,
    code: str | None = None,
    max_uses: int = 1,
    category: RegistrationCategory | str | None = None,
) -> InvitationCode:
    """A code that lets ``max_uses`` people register for an invitation-only event, optionally in
    a set category. Without ``code``, an unguessable one is made. Raises ValidationError."""
    problems = Problems()
    text = code.strip() if code is not None else secrets.token_urlsafe(12)
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,64}", text):
        problems.add("code", N_("must be 4 to 64 letters, digits, hyphens or underscores"))
    if isinstance(max_uses, bool) or not isinstance(max_uses, int) or max_uses < 1:
        problems.add("max_uses", N_("must be at least 1"))
    resolved = (
        problems.collect(lambda: as_enum(RegistrationCategory, category, field="category"))
        if category is not None
        else None
    )
    problems.raise_if_any()
    with savepoint(db, {"uq_invitation_codes_event_id_code": "code"}):
        invitation = InvitationCode(
            event=event, code=text, max_uses=max_uses, uses=0, category=resolved
        )
        db.add(invitation)
    return invitation


def check_invitation_code(db: DbSession, event: Event, code: str) -> InvitationCode:
    """The event's invitation code ``code`` if it has a use left, without spending one.
    Raises ValidationError for an unknown or used-up code."""
    found = db.scalar(
        select(InvitationCode)
        .where(InvitationCode.event_id == event.id, InvitationCode.code == code.strip())
        # The uses as stored now, not as this session last saw them.
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise ValidationError.single("invitation_code", N_("is not a code for this event"))
    if found.uses >= found.max_uses:
        raise ValidationError.single("invitation_code", _USED_UP)
    return found


def use_invitation_code(db: DbSession, event: Event, code: str) -> InvitationCode:
    """Spend one use of ``code``. The database counts the uses, so the last one goes to one
    person only. Raises ValidationError for an unknown or used-up code."""
    found = check_invitation_code(db, event, code)
    spent = db.execute(
        update(InvitationCode)
        .where(InvitationCode.id == found.id, InvitationCode.uses < InvitationCode.max_uses)
        .values(uses=InvitationCode.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise ValidationError.single("invitation_code", _USED_UP)
    db.refresh(found, ["uses"])
    return found
