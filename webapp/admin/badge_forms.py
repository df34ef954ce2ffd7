"""The forms of the badge pages: the list's filters or the ticked registrations, and the layout."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import ValidationError

from confkit.formats.badges import BadgeLayout
from webapp.admin.form_errors import STALE_FORM
from webapp.admin.registration_forms import RegistrationFilterForm
from webapp.forms import AppForm

LAYOUT_CHOICES = [
    SelectChoice(BadgeLayout.A4.value, _l("A4, eight 90 × 60 mm badges a page, with crop marks")),
    SelectChoice(BadgeLayout.A6.value, _l("A6, one badge a page")),
]


def _layout_field() -> RadioField:
    return RadioField(_l("Layout"), choices=LAYOUT_CHOICES, default=BadgeLayout.A4.value)


class BadgeFilterForm(RegistrationFilterForm):
    """The registrations list's filters, from the query string, and the layout."""

    layout = _layout_field()


class BadgeSelectionForm(AppForm):
    """The registrations ticked on the list, and the layout."""

    registration_ids = SelectMultipleField(coerce=int, validate_choice=False)
    layout = _layout_field()

    def validate_registration_ids(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one registration."))

    def problems(self) -> list[str]:
        if self.csrf_token.errors:
            return [str(STALE_FORM)]
        return [str(message) for messages in self.errors.values() for message in messages]
