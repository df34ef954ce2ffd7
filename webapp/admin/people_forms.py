"""The forms of the organisers' people pages: people, organisations, positions and delegations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from confkit.models import Affiliation, Delegation, Organisation, OrganisationKind, Person
from confkit.services.people import OrganisationChoice
from webapp.admin.event_forms import THING_NAME
from webapp.admin.session_forms import NO_CHOICE, optional_id, person_label
from webapp.forms import AppForm
from webapp.labels import LABELS
from webapp.registration.forms import country_choices


def _blank_as_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


class PeopleSearchForm(AppForm):
    """The people list's search box, read from the query string."""

    class Meta:
        # A search changes nothing, and its URL may be shared.
        csrf = False

    q = StringField(_l("Name or email"))


class PersonForm(AppForm):
    """A person's names (any script), honorific, email and short bio."""

    honorific = StringField(_l("Honorific (Dr, Colonel, H.E.)"))
    given_name = StringField(_l("Given name"))
    family_name = StringField(_l("Family name"), validators=[InputRequired()])
    email = StringField(_l("Email"))
    bio = TextAreaField(_l("Short bio"))

    def values(self) -> dict[str, Any]:
        """The people services' keyword arguments."""
        return {
            "honorific": (self.honorific.data or "").strip(),
            "given_name": (self.given_name.data or "").strip(),
            "family_name": (self.family_name.data or "").strip(),
            "email": _blank_as_none(self.email.data),
            "bio": self.bio.data or "",
        }


def person_data(person: Person) -> dict[str, Any]:
    """A person's fields as the form shows them."""
    return {
        "honorific": person.honorific,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "email": person.email or "",
        "bio": person.bio,
    }


class OrganisationForm(AppForm):
    """An organisation, optionally inside a parent (a department of a ministry)."""

    name = StringField(THING_NAME, validators=[InputRequired()])
    short_name = StringField(_l("Short name"))
    kind = SelectField(
        lazy_pgettext("kind of organisation", "Kind"),
        choices=[SelectChoice(kind.value, LABELS[kind]) for kind in OrganisationKind],
    )
    country = SelectField(_l("Country"))
    parent = SelectField(
        _l("Inside (parent organisation)"), coerce=optional_id, validate_choice=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[OrganisationChoice],
        own: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice(NO_CHOICE, _l("None (international)"))] + [
            SelectChoice(country.value, f"{country.label} ({country.value})")
            for country in country_choices()
        ]
        self.parent.choices = [SelectChoice(NO_CHOICE, _l("None"))] + [
            SelectChoice(choice.id, choice.full_name)
            for choice in organisations
            if own is None or choice.id != own.id
        ]

    def values(self) -> dict[str, Any]:
        """The organisation services' keyword arguments."""
        return {
            "name": (self.name.data or "").strip(),
            "short_name": _blank_as_none(self.short_name.data),
            "kind": self.kind.data,
            "country": self.country.data or None,
            "parent": self.parent.data,
        }


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    """An organisation's fields as the form shows them."""
    return {
        "name": organisation.name,
        "short_name": organisation.short_name or "",
        "kind": organisation.kind.value,
        "country": organisation.country or "",
        "parent": organisation.parent_id,
    }


class AffiliationForm(AppForm):
    """A position title and its optional period."""

    position_title = StringField(_l("Position"))
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("Until"), validators=[Optional()])

    def values(self) -> dict[str, Any]:
        """The affiliation services' keyword arguments."""
        return {
            "position_title": (self.position_title.data or "").strip(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
        }


class NewAffiliationForm(AffiliationForm):
    """A position at an organisation chosen from the list."""

    organisation = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=False)

    def __init__(self, *args: Any, organisations: Sequence[OrganisationChoice], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(NO_CHOICE, _l("Choose an organisation"))] + [
            SelectChoice(choice.id, choice.full_name) for choice in organisations
        ]

    def validate_organisation(self, field: SelectField) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose an organisation."))


def affiliation_data(affiliation: Affiliation) -> dict[str, Any]:
    """A position's fields as the form shows them."""
    return {
        "position_title": affiliation.position_title,
        "starts_on": affiliation.starts_on,
        "ends_on": affiliation.ends_on,
    }


class DelegationForm(AppForm):
    """A delegation of the event: its name, organisation, head and members."""

    name = StringField(THING_NAME, validators=[InputRequired()])
    organisation = SelectField(_l("Organisation"), coerce=optional_id, validate_choice=False)
    head = SelectField(_l("Head"), coerce=optional_id, validate_choice=False)
    members = SelectMultipleField(_l("Members"), coerce=int, validate_choice=False)

    def __init__(
        self,
        *args: Any,
        people: Sequence[Person],
        organisations: Sequence[OrganisationChoice],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people_choices = [SelectChoice(person.id, person_label(person)) for person in people]
        self.head.choices = [SelectChoice(NO_CHOICE, _l("No head"))] + people_choices
        self.members.choices = people_choices
        self.organisation.choices = [SelectChoice(NO_CHOICE, _l("None"))] + [
            SelectChoice(choice.id, choice.full_name) for choice in organisations
        ]

    def values(self) -> dict[str, Any]:
        """The delegation services' keyword arguments."""
        return {
            "name": (self.name.data or "").strip(),
            "organisation": self.organisation.data,
            "head": self.head.data,
            "members": list(self.members.data or []),
        }


def delegation_data(delegation: Delegation) -> dict[str, Any]:
    """A delegation's fields as the form shows them."""
    return {
        "name": delegation.name,
        "organisation": delegation.organisation_id,
        "head": delegation.head_id,
        "members": [member.id for member in delegation.members],
    }
