"""The forms of the organisers' registration pages: the list's filters, the action buttons and
the announcement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from confkit.models import Delegation, OrganisationKind, RegistrationCategory, RegistrationStatus
from confkit.services.registration_actions import RegistrationAction
from confkit.services.registration_search import RegistrationOrder
from webapp.admin.auth import safe_next

ANY = SelectChoice("", "Any")
REGISTRATIONS_PER_PAGE = 100


def _labelled(values: Iterable[str]) -> list[SelectChoice]:
    return [ANY, *(SelectChoice(value, value.replace("_", " ").capitalize()) for value in values)]


class RegistrationFilterForm(FlaskForm):
    """The list's filters, read from the query string. Whether a value is one of the choices is
    the search service's to say; the form only turns the text into the right types."""

    class Meta:
        # A GET form changes nothing, and its URL is meant to be bookmarked and shared.
        csrf = False

    status = SelectField("Status", choices=_labelled(RegistrationStatus), validate_choice=False)
    category = SelectField(
        "Category", choices=_labelled(RegistrationCategory), validate_choice=False
    )
    organisation_kind = SelectField(
        "Organisation kind", choices=_labelled(OrganisationKind), validate_choice=False
    )
    country = StringField("Country (two letters)")
    delegation = IntegerField("Delegation", validators=[Optional()])
    text = StringField("Name, email or organisation")

    def __init__(self, *args: Any, delegations: Iterable[Delegation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delegation_choices = [("", "Any"), *((str(d.id), d.name) for d in delegations)]

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
        "Sort by",
        choices=[SelectChoice(o.value, o.value.capitalize()) for o in RegistrationOrder],
        default=RegistrationOrder.NAME.value,
    )
    direction = SelectField(
        "Direction",
        choices=[SelectChoice("asc", "Ascending"), SelectChoice("desc", "Descending")],
        default="asc",
    )
    page = IntegerField("Page", validators=[Optional()])

    def listing(self) -> dict[str, Any]:
        """The service's keyword arguments for the order and the page."""
        return {
            "order": self.order.data or RegistrationOrder.NAME,
            "descending": self.direction.data == "desc",
            "page": self.page.data if self.page.data is not None else 1,
            "per_page": REGISTRATIONS_PER_PAGE,
        }


class RegistrationActionForm(FlaskForm):
    """The chosen registrations and the button pressed; ``back`` is the page to return to."""

    registration_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(
        choices=[SelectChoice(action.value) for action in RegistrationAction],
    )
    back = HiddenField()

    def validate_registration_ids(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one registration.")

    def back_to(self, default: str) -> str:
        """``back`` if it is a path on this site, else ``default``."""
        return safe_next(self.back.data) or default


class AnnouncementForm(RegistrationFilterForm):
    """A message to the registrations the filters choose. Its POST previews; the preview's
    buttons set ``send`` (write the mails) or ``edit`` (back to the form)."""

    class Meta:
        # Unlike the list's filters, this form writes mail: it needs the CSRF token.
        csrf = True

    subject = StringField("Subject")
    body = TextAreaField("Message")
    send = HiddenField()
    edit = HiddenField()
