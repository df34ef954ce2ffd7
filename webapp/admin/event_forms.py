"""The forms of the organisers' event pages: the event itself, its venue, its rooms and tracks.

The forms turn text into the services' types and map their fields to the services' arguments;
whether a value is allowed is the services' to say (their problems are shown on the fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Optional
from wtforms.validators import ValidationError as FieldError

from confkit.models import Venue
from confkit.services.checks import iana_zone_names
from webapp.forms import AppForm
from webapp.registration.forms import country_choices

NO_VENUE = ""
NEW_VENUE = "new"
REQUIRED = _l("is required")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_NONE = SelectChoice("", "—")
# The name of an event, a venue, a room, a track, an organisation or a delegation: some
# languages name a thing with another word than a person.
THING_NAME = lazy_pgettext("name of an event, place or organisation", "Name")


def zone_choices() -> list[SelectChoice]:
    """Every IANA zone name, in alphabetical order."""
    return [
        SelectChoice("", _l("Choose a time zone")),
        *map(SelectChoice, sorted(iana_zone_names())),
    ]


class EventForm(AppForm):
    """An event's details. ``slug`` is only asked when the event is created: the event's URLs,
    feeds included, are permanent. The venue is an existing one, none, or a new one described
    in the ``venue_*`` fields."""

    name = StringField(THING_NAME, validators=[InputRequired(REQUIRED)])
    slug = StringField(_l("Short name in web addresses"), validators=[InputRequired(REQUIRED)])
    timezone = SelectField(_l("Time zone"), choices=zone_choices(), validate_choice=False)
    starts_on = DateField(_l("First day"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(REQUIRED)])
    venue = SelectField(_l("Venue"), validate_choice=False)
    venue_name = StringField(_l("Name of the new venue"))
    venue_address = TextAreaField(_l("Address"))
    venue_city = StringField(_l("City"))
    venue_country = SelectField(_l("Country"), validate_choice=False)
    description = TextAreaField(_l("Description"))
    languages = StringField(_l("Languages"))

    def __init__(
        self, *args: Any, venues: Iterable[Venue] = (), creating: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            # Shown, never read: a changed slug would break every link and feed subscription.
            del self.slug
        self.venue.choices = [
            SelectChoice(NO_VENUE, _l("No venue yet")),
            *(SelectChoice(str(v.id), _venue_label(v)) for v in venues),
            SelectChoice(NEW_VENUE, _l("A new venue…")),
        ]
        self.venue_country.choices = [_NONE, *country_choices()]

    def validate_venue(self, field: SelectField) -> None:
        value = field.data or NO_VENUE
        if value not in (NO_VENUE, NEW_VENUE) and not value.isdigit():
            raise FieldError(_l("Choose a venue from the list."))

    def validate_languages(self, field: StringField) -> None:
        if not all(LANGUAGE_CODE.match(code) for code in self.language_codes()):
            raise FieldError(_l("Give language codes separated by commas, such as: en, az"))

    def language_codes(self) -> list[str]:
        return [code.strip() for code in (self.languages.data or "").split(",") if code.strip()]

    def wants_new_venue(self) -> bool:
        return self.venue.data == NEW_VENUE

    def venue_id(self) -> int | None:
        """The chosen existing venue's id, or None."""
        value = self.venue.data or NO_VENUE
        return int(value) if value.isdigit() else None

    def new_venue(self) -> dict[str, Any]:
        """``create_venue``'s keyword arguments."""
        return {
            "name": (self.venue_name.data or "").strip(),
            "address": (self.venue_address.data or "").strip(),
            "city": (self.venue_city.data or "").strip(),
            "country": self.venue_country.data or None,
        }

    def event_fields(self) -> dict[str, Any]:
        """``create_event``'s / ``update_event``'s keyword arguments, but the venue and slug."""
        return {
            "name": (self.name.data or "").strip(),
            "timezone": self.timezone.data or "",
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "description": (self.description.data or "").strip(),
            "languages": self.language_codes(),
        }


# The new venue's problems, as ``create_venue`` names them, shown on the event form's fields.
NEW_VENUE_FIELDS = {
    "name": "venue_name",
    "address": "venue_address",
    "city": "venue_city",
    "country": "venue_country",
}


def _venue_label(venue: Venue) -> str:
    return f"{venue.name}, {venue.city}" if venue.city else venue.name


class VenueForm(AppForm):
    """A venue's details."""

    name = StringField(THING_NAME, validators=[InputRequired(REQUIRED)])
    address = TextAreaField(_l("Address"))
    city = StringField(_l("City"))
    country = SelectField(_l("Country"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [_NONE, *country_choices()]

    def venue_fields(self) -> dict[str, Any]:
        """``update_venue``'s keyword arguments."""
        return {
            "name": (self.name.data or "").strip(),
            "address": (self.address.data or "").strip(),
            "city": (self.city.data or "").strip(),
            "country": self.country.data or None,
        }


class RoomForm(AppForm):
    """A room. Its slug is asked only when it is added: the room's feed URL carries it."""

    slug = StringField(_l("Short name in web addresses"), validators=[InputRequired(REQUIRED)])
    name = StringField(THING_NAME, validators=[InputRequired(REQUIRED)])
    capacity = IntegerField(_l("Seats"), validators=[Optional()])

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.slug

    def room_fields(self) -> dict[str, Any]:
        """``add_room``'s / ``update_room``'s keyword arguments."""
        fields: dict[str, Any] = {
            "name": (self.name.data or "").strip(),
            "capacity": self.capacity.data,
        }
        if "slug" in self:
            fields["slug"] = (self.slug.data or "").strip()
        return fields


class TrackForm(AppForm):
    """A track. Its slug is asked only when it is added: the track's feed URL carries it."""

    slug = StringField(_l("Short name in web addresses"), validators=[InputRequired(REQUIRED)])
    name = StringField(THING_NAME, validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("Description"))
    colour = StringField(_l("Colour"))

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.slug

    def track_fields(self) -> dict[str, Any]:
        """``add_track``'s / ``update_track``'s keyword arguments."""
        fields: dict[str, Any] = {
            "name": (self.name.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "colour": (self.colour.data or "").strip() or None,
        }
        if "slug" in self:
            fields["slug"] = (self.slug.data or "").strip()
        return fields


class MoveForm(AppForm):
    """An up or down button: ``by`` is -1 (earlier) or 1 (later)."""

    by = IntegerField(validators=[InputRequired(), AnyOf([-1, 1])])


class RemoveForm(AppForm):
    """A remove button: it carries only the CSRF token."""
