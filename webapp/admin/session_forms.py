"""The forms of the organisers' programme pages: a session, the people in it, and the grid's
move / resize form.

Day and times are typed as wall-clock times in the event's zone; :meth:`SessionTimesForm.instants`
turns them into instants, refusing a time the clocks skip.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Final

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from confkit.errors import Problem
from confkit.errors import ValidationError as ServiceValidationError
from confkit.local_time import day_and_time, instant_on
from confkit.models import (
    Event,
    Person,
    ProgrammeSession,
    RoleKind,
    SessionKind,
    SessionStatus,
    Visibility,
)
from webapp.forms import AppForm
from webapp.labels import LABELS

# The services' names for the fields these forms call otherwise.
SESSION_FIELD_NAMES: Final = {"starts_at": "start_time", "ends_at": "end_time"}
NO_CHOICE: Final = ""


def optional_id(value: object) -> int | None:
    """A select's value as an id; the empty choice is None."""
    if value is None or value == NO_CHOICE:
        return None
    return int(str(value))


def _labelled(values: Iterable[enum.Enum]) -> list[SelectChoice]:
    return [SelectChoice(value.value, LABELS[value]) for value in values]


class SessionTimesForm(AppForm):
    """A day and a start and end time in the event's zone, and a room."""

    day = DateField(_l("Day"), validators=[InputRequired()])
    start_time = TimeField(_l("Start"), validators=[InputRequired()])
    end_time = TimeField(_l("End"), validators=[InputRequired()])
    room = SelectField(_l("Room"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.room.choices = [SelectChoice(NO_CHOICE, _l("No room"))] + [
            SelectChoice(room.id, f"{room.name} ({room.capacity})" if room.capacity else room.name)
            for room in event.rooms
        ]

    def instants(self, zone_name: str) -> tuple[datetime, datetime]:
        """The start and end as instants; a time the clocks skip raises confkit's
        ValidationError."""
        day: date = self.day.data
        problems: list[Problem] = []
        found: list[datetime] = []
        for field, clock_time in (
            ("starts_at", self.start_time.data),
            ("ends_at", self.end_time.data),
        ):
            try:
                found.append(instant_on(zone_name, day, clock_time, field=field))
            except ServiceValidationError as error:
                problems.extend(error.problems)
        if problems:
            raise ServiceValidationError(problems)
        return found[0], found[1]


def times_data(programme_session: ProgrammeSession, zone_name: str) -> dict[str, Any]:
    """A session's day, times and room as the forms show them."""
    day, start = day_and_time(programme_session.starts_at, zone_name)
    _, end = day_and_time(programme_session.ends_at, zone_name)
    return {"day": day, "start_time": start, "end_time": end, "room": programme_session.room_id}


class SessionForm(SessionTimesForm):
    """Everything an organiser sets on a session."""

    kind = SelectField(_l("Kind"), choices=_labelled(SessionKind), default=SessionKind.TALK.value)
    title = StringField(_l("Title"), validators=[InputRequired()])
    abstract = TextAreaField(_l("Abstract"))
    track = SelectField(_l("Track"), coerce=optional_id, validate_choice=False)
    language = StringField(_l("Language (e.g. en, az)"))
    status = SelectField(
        _l("Status"), choices=_labelled(SessionStatus), default=SessionStatus.SCHEDULED.value
    )
    visibility = SelectField(
        _l("Visibility"),
        choices=[
            SelectChoice(Visibility.PUBLIC.value, _l("Public")),
            SelectChoice(Visibility.CLOSED.value, _l("Closed (not in the public programme)")),
        ],
        default=Visibility.PUBLIC.value,
    )
    signup_capacity = IntegerField(
        _l("Sign-up capacity"), validators=[Optional(), NumberRange(min=0)]
    )
    expected_audience = IntegerField(
        _l("Expected audience"), validators=[Optional(), NumberRange(min=0)]
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, event=event, **kwargs)
        self.track.choices = [SelectChoice(NO_CHOICE, _l("No track"))] + [
            SelectChoice(track.id, track.name) for track in event.tracks
        ]

    def values(self, starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
        """The programme services' keyword arguments."""
        return {
            "kind": self.kind.data,
            "title": self.title.data or "",
            "abstract": self.abstract.data or "",
            "starts_at": starts_at,
            "ends_at": ends_at,
            "room": self.room.data,
            "track": self.track.data,
            "language": (self.language.data or "").strip() or None,
            "status": self.status.data,
            "visibility": self.visibility.data,
            "signup_capacity": self.signup_capacity.data,
            "expected_audience": self.expected_audience.data,
        }


def session_data(programme_session: ProgrammeSession, zone_name: str) -> dict[str, Any]:
    """A session's fields as the form shows them."""
    return times_data(programme_session, zone_name) | {
        "kind": programme_session.kind.value,
        "title": programme_session.title,
        "abstract": programme_session.abstract,
        "track": programme_session.track_id,
        "language": programme_session.language or "",
        "status": programme_session.status.value,
        "visibility": programme_session.visibility.value,
        "signup_capacity": programme_session.signup_capacity,
        "expected_audience": programme_session.expected_audience,
    }


class MoveForm(SessionTimesForm):
    """The grid's move / resize form; ``back_day`` is the grid day it was sent from."""

    back_day = HiddenField()

    def back_to(self, default: date) -> date:
        """The grid day to show again: ``back_day`` when it is a date, else ``default``."""
        try:
            return date.fromisoformat(self.back_day.data or "")
        except ValueError:
            return default


class ButtonForm(AppForm):
    """A button that changes something: only its CSRF token is sent."""


class RoleForm(AppForm):
    """A person, their role in the session, and which of their positions to show."""

    person = SelectField(_l("Person"), coerce=optional_id, validate_choice=False)
    role = SelectField(_l("Role"), choices=_labelled(RoleKind))
    affiliation = SelectField(_l("Shown as"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args: Any, people: Sequence[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person.choices = [SelectChoice(NO_CHOICE, _l("Choose a person"))] + [
            SelectChoice(person.id, person_label(person)) for person in people
        ]
        self.affiliation.choices = [SelectChoice(NO_CHOICE, _l("No position"))] + [
            SelectChoice(affiliation.id, f"{person.name}: {affiliation.label}")
            for person in people
            for affiliation in person.affiliations
        ]

    def validate_person(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose a person."))


def person_label(person: Person) -> str:
    """ "Family, Given (Honorific)": how lists to choose from show a person."""
    label = f"{person.family_name}, {person.given_name}".strip(", ")
    return f"{label} ({person.honorific})" if person.honorific else label


class ReorderForm(AppForm):
    """Every role of the session, in the order wanted."""

    roles = SelectMultipleField(coerce=int, validate_choice=False)
