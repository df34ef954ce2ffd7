"""The forms of the organisers' registration settings: the settings, the event's own questions
and its invitation codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from confkit.models import Event, QuestionKind, RegistrationCategory, RegistrationMode
from webapp.admin.event_forms import REQUIRED
from webapp.admin.zoned_fields import ZonedDateTimeField
from webapp.forms import AppForm
from webapp.labels import LABELS

MODE_LABELS = {
    RegistrationMode.OPEN: _l("Open: everyone who confirms their address gets a seat"),
    RegistrationMode.APPROVAL: _l("Approval: the organisers approve each registration"),
    RegistrationMode.INVITATION: _l("Invitation: only with an invitation code"),
}
KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("One of several choices"),
    QuestionKind.MULTIPLE_CHOICE: _l("Any of several choices"),
    QuestionKind.CHECKBOX: _l("A check box"),
    QuestionKind.COUNTRY: _l("A country"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationSettingsForm(AppForm):
    """How the event takes registrations. Times are wall-clock times in the event's zone."""

    opens_at = ZonedDateTimeField(_l("Registration opens"), validators=[Optional()])
    closes_at = ZonedDateTimeField(_l("Registration closes"), validators=[Optional()])
    capacity = IntegerField(_l("Seats"), validators=[Optional()])
    mode = RadioField(
        _l("Who may register"),
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
        validate_choice=False,
    )
    waitlist_enabled = BooleanField(_l("Keep a waiting list when the seats are taken"))
    categories = CheckboxesField(
        _l("Categories people may choose"),
        choices=[SelectChoice(c.value, LABELS[c]) for c in RegistrationCategory],
        validate_choice=False,
    )
    consent_text = TextAreaField(_l("Consent people give when they register"))

    def settings(self) -> dict[str, Any]:
        """``save_registration_settings``'s keyword arguments, but the base URL."""
        return {
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "capacity": self.capacity.data,
            "mode": self.mode.data or "",
            "waitlist_enabled": bool(self.waitlist_enabled.data),
            "categories": list(self.categories.data or []),
            "consent_text": self.consent_text.data or "",
        }


def settings_data(event: Event) -> dict[str, Any]:
    """The form's values for the event as it is."""
    return {
        "opens_at": event.registration_opens_at,
        "closes_at": event.registration_closes_at,
        "capacity": event.capacity,
        "mode": event.registration_mode.value,
        "waitlist_enabled": event.waitlist_enabled,
        "categories": list(event.registration_categories),
        "consent_text": event.consent_text,
    }


# The service names the window's fields after the event's columns.
SETTINGS_FIELDS = {
    "registration_opens_at": "opens_at",
    "registration_closes_at": "closes_at",
}


class QuestionForm(AppForm):
    """A question of the event's own. Its key is asked only when it is added: the answers given
    are kept under it."""

    key = StringField(_l("Key (where the answers are kept)"), validators=[InputRequired(REQUIRED)])
    label = StringField(_l("Question"), validators=[InputRequired(REQUIRED)])
    kind = SelectField(
        _l("Kind of answer"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
    )
    choices = TextAreaField(_l("Choices, one a line"))
    required = BooleanField(_l("An answer is required"))

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.key

    def question_fields(self) -> dict[str, Any]:
        """``add_question``'s / ``update_question``'s keyword arguments."""
        fields: dict[str, Any] = {
            "label": (self.label.data or "").strip(),
            "kind": self.kind.data or "",
            "choices": (self.choices.data or "").splitlines(),
            "required": bool(self.required.data),
        }
        if "key" in self:
            fields["key"] = (self.key.data or "").strip()
        return fields


class InvitationCodeForm(AppForm):
    """A new invitation code; left blank, confkit makes up one nobody can guess."""

    code = StringField(_l("Code (leave blank for a made-up one)"))
    max_uses = IntegerField(
        _l("How many people may use it"),
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, message=_l("must be at least 1"))],
    )
    category = SelectField(
        _l("Category it registers people in"),
        choices=[
            SelectChoice("", _l("The one they choose")),
            *(SelectChoice(c.value, LABELS[c]) for c in RegistrationCategory),
        ],
        validate_choice=False,
    )

    def code_fields(self) -> dict[str, Any]:
        """``add_invitation_code``'s keyword arguments."""
        return {
            "code": (self.code.data or "").strip() or None,
            "max_uses": self.max_uses.data,
            "category": self.category.data or None,
        }
