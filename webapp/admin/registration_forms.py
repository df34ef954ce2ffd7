"""The forms of the organisers' registration pages: the list's filters, the action buttons and
the announcement."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from confkit.errors import Problem
from confkit.models import (
    Delegation,
    Event,
    OrganisationKind,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services.people import OrganisationChoice
from confkit.services.registration_actions import RegistrationAction
from confkit.services.registration_by_hand import RegistrationByHand
from confkit.services.registration_search import RegistrationOrder
from confkit.services.signup import NewOrganisation
from webapp.admin.auth import safe_next
from webapp.forms import AppForm
from webapp.i18n import LANGUAGES, confkit_text, current_locale
from webapp.labels import LABELS
from webapp.registration.forms import (
    NEW_ORGANISATION,
    ORGANISATION_KIND_LABELS,
    country_choices,
    delegation_choices,
    is_id,
)

ANY = SelectChoice("", _l("Any"))
REGISTRATIONS_PER_PAGE = 100
# The list's orders, as its "Sort by" choices name them.
ORDERS = {
    RegistrationOrder.NAME: lazy_pgettext("sort the registrations by", "Name"),
    RegistrationOrder.ORGANISATION: lazy_pgettext("sort the registrations by", "Organisation"),
    RegistrationOrder.CATEGORY: lazy_pgettext("sort the registrations by", "Category"),
    RegistrationOrder.STATUS: lazy_pgettext("sort the registrations by", "Status"),
    RegistrationOrder.REGISTERED: lazy_pgettext("sort the registrations by", "Registered"),
}


def _labelled(values: Iterable[enum.Enum]) -> list[SelectChoice]:
    return [ANY, *(SelectChoice(value.value, LABELS[value]) for value in values)]


class RegistrationFilterForm(AppForm):
    """The list's filters, read from the query string. Whether a value is one of the choices is
    the search service's to say; the form only turns the text into the right types."""

    class Meta:
        # A GET form changes nothing, and its URL is meant to be bookmarked and shared.
        csrf = False

    status = SelectField(_l("Status"), choices=_labelled(RegistrationStatus), validate_choice=False)
    category = SelectField(
        _l("Category"), choices=_labelled(RegistrationCategory), validate_choice=False
    )
    organisation_kind = SelectField(
        _l("Organisation kind"), choices=_labelled(OrganisationKind), validate_choice=False
    )
    country = StringField(_l("Country (two letters)"))
    delegation = IntegerField(_l("Delegation"), validators=[Optional()])
    text = StringField(_l("Name, email or organisation"))

    def __init__(self, *args: Any, delegations: Iterable[Delegation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delegation_choices = [("", ANY.label), *((str(d.id), d.name) for d in delegations)]

    def filters(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        return {
            "status": self.status.data or None,
            "category": self.category.data or None,
            "organisation_kind": self.organisation_kind.data or None,
            "country": self.country.data or None,
            "delegation_id": self.delegation.data,
            "text": self.text.data or None,
        }

    def problems(self) -> list[str]:
        return [
            f"{self[name].label.text}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]


class RegistrationListForm(RegistrationFilterForm):
    """The filters plus the list's order and page, all from the query string."""

    order = SelectField(
        _l("Sort by"),
        choices=[SelectChoice(order.value, words) for order, words in ORDERS.items()],
        default=RegistrationOrder.NAME.value,
    )
    direction = SelectField(
        _l("Direction"),
        choices=[SelectChoice("asc", _l("Ascending")), SelectChoice("desc", _l("Descending"))],
        default="asc",
    )
    page = IntegerField(_l("Page"), validators=[Optional()])

    def listing(self) -> dict[str, Any]:
        """The service's keyword arguments for the order and the page."""
        return {
            "order": self.order.data or RegistrationOrder.NAME,
            "descending": self.direction.data == "desc",
            "page": self.page.data if self.page.data is not None else 1,
            "per_page": REGISTRATIONS_PER_PAGE,
        }


class RegistrationActionForm(AppForm):
    """The chosen registrations and the button pressed; ``back`` is the page to return to."""

    registration_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(
        choices=[SelectChoice(action.value) for action in RegistrationAction],
    )
    back = HiddenField()

    def validate_registration_ids(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one registration."))

    def back_to(self, default: str) -> str:
        """``back`` if it is a path on this site, else ``default``."""
        return safe_next(self.back.data) or default


class AnnouncementForm(RegistrationFilterForm):
    """A message to the registrations the filters choose. Its POST previews; the preview's
    buttons set ``send`` (write the mails) or ``edit`` (back to the form)."""

    class Meta:
        # Unlike the list's filters, this form writes mail: it needs the CSRF token.
        csrf = True

    subject = StringField(_l("Subject"))
    body = TextAreaField(_l("Message"))
    send = HiddenField()
    edit = HiddenField()


class RegistrationByHandForm(AppForm):
    """A person an organiser registers: any category, no consent or questions, seated at once."""

    honorific = StringField(_l("Honorific (H.E., Dr, Colonel…)"))
    given_name = StringField(_l("Given name"))
    family_name = StringField(_l("Family name"))
    email = StringField(_l("Email address (optional)"))
    organisation = SelectField(_l("Organisation"), default="", validate_choice=False)
    organisation_name = StringField(_l("Name of a new organisation"))
    organisation_kind = SelectField(
        _l("Kind of the new organisation"), default="", validate_choice=False
    )
    organisation_country = SelectField(
        _l("Country of the new organisation"), default="", validate_choice=False
    )
    position = StringField(_l("Position"))
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c.value, LABELS[c]) for c in RegistrationCategory],
        default=RegistrationCategory.DELEGATE.value,
    )
    delegation = SelectField(_l("Delegation"), default="", validate_choice=False)
    notify_attendee = BooleanField(_l("Mail the person their link and ticket"), default=True)
    # confkit refuses a language it does not write in, naming the field.
    locale = SelectField(
        _l("Language of the mails"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validate_choice=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            # The organiser's own language is the likeliest guess.
            self.locale.data = current_locale()

    def offer_choices(self, organisations: Sequence[OrganisationChoice], event: Event) -> None:
        """Fill the lists read from the database, to show or check the form."""
        self.organisation.choices = [
            SelectChoice("", _l("None")),
            SelectChoice(NEW_ORGANISATION, _l("A new organisation: named below")),
            *(SelectChoice(str(o.id), o.full_name) for o in organisations),
        ]
        self.organisation_kind.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()),
        ]
        self.organisation_country.choices = [SelectChoice("", "—"), *country_choices()]
        self.delegation.choices = [
            SelectChoice("", _l("None")),
            *delegation_choices(event.delegations),
        ]

    def validate_organisation(self, field: SelectField) -> None:
        if field.data not in ("", NEW_ORGANISATION) and not is_id(field.data):
            raise ValidationError(_l("is not one of the choices"))

    def validate_delegation(self, field: SelectField) -> None:
        if field.data and not is_id(field.data):
            raise ValidationError(_l("is not one of the choices"))

    def details(self) -> RegistrationByHand:
        """What the organiser entered, as confkit's register_by_hand takes it."""
        chosen = self.organisation.data or ""
        new_name = (self.organisation_name.data or "").strip()
        new_organisation = None
        if chosen == NEW_ORGANISATION or new_name:
            new_organisation = NewOrganisation(
                name=new_name,
                kind=self.organisation_kind.data or "",
                country=self.organisation_country.data or None,
            )
        return RegistrationByHand(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            email=self.email.data or None,
            honorific=self.honorific.data or "",
            category=self.category.data or "",
            organisation_id=int(chosen) if is_id(chosen) else None,
            new_organisation=new_organisation,
            position=self.position.data or "",
            delegation_id=int(self.delegation.data) if self.delegation.data else None,
            notify_attendee=bool(self.notify_attendee.data),
            # A submission without the field (an older form) mails in the page's language.
            locale=self.locale.data or current_locale(),
        )

    def show_problems(self, problems: Iterable[Problem]) -> list[str]:
        """Put each problem next to the field it names; return the messages that name none."""
        fields = {
            "person": self.family_name,
            "name": self.organisation_name,
            "kind": self.organisation_kind,
            "country": self.organisation_country,
        }
        unplaced: list[str] = []
        for problem in problems:
            field = self._fields.get(problem.field) or fields.get(problem.field)
            if field is None or problem.field == "csrf_token":
                unplaced.append(confkit_text(problem))
            else:
                field.errors = [*field.errors, confkit_text(problem)]
        return unplaced
