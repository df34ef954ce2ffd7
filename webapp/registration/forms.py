"""The forms of registration, the attendee's page and check-in.

The registration form only carries what people type: confkit's ``register`` checks it and names
each problem by field, and :meth:`RegistrationForm.show_problems` puts every problem next to its
field. The form itself refuses only what no honest browser sends (a forged choice, a missing
CSRF token).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from babel import Locale
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    FormField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from confkit.errors import Problem
from confkit.models import (
    Delegation,
    Event,
    OrganisationKind,
    QuestionKind,
    RegistrationMode,
    RegistrationQuestion,
)
from confkit.services.checks import CONTROL_CHARACTERS
from confkit.services.people import OrganisationChoice
from confkit.services.registration_settings import public_categories
from confkit.services.signup import NewOrganisation, SignupDetails
from webapp.forms import AppForm
from webapp.i18n import DEFAULT_LOCALE, alphabetical_key, confkit_text, current_locale
from webapp.labels import LABELS, label

NEW_ORGANISATION = "new"
ORGANISATION_KIND_LABELS = {kind: LABELS[kind] for kind in OrganisationKind}
# A ticket is short printable ASCII; anything else cannot be one, and is refused before it
# reaches the signature check.
TICKET_PAYLOAD = re.compile(r"^[\x20-\x7e]{1,200}$")
_NONE = SelectChoice("", "—")
# Latin letters with no decomposition, and the plain letter they sort with.


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RegistrationForm(AppForm):
    """The public registration form; build it with :func:`registration_form`."""

    given_name = StringField(_l("Given name"))
    family_name = StringField(_l("Family name"))
    email = EmailField(_l("Email address"))
    # Lists from the database are read only to show the form (``offer_choices``); a submitted
    # id that is no choice is refused by confkit, with a message saying so.
    organisation = SelectField(_l("Organisation"), default="", validate_choice=False)
    organisation_name = StringField(_l("Name of the organisation"))
    # Choices confkit checks itself (with a message saying what is wrong) are not checked here.
    organisation_kind = SelectField(
        _l("Kind of organisation"),
        choices=[
            _NONE,
            *(SelectChoice(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()),
        ],
        default="",
        validate_choice=False,
    )
    organisation_country = SelectField(
        _l("Country of the organisation"), default="", validate_choice=False
    )
    position = StringField(_l("Position"))
    category = SelectField(_l("I attend as"), default="", validate_choice=False)
    delegation = SelectField(_l("Delegation"), default="", validate_choice=False)
    consent = BooleanField(_l("Your consent"))
    invitation_code = StringField(_l("Invitation code"))
    # Replaced per event by registration_form(); it also drops the fields an event does not ask.
    answers: FormField

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def offer_choices(self, organisations: Sequence[OrganisationChoice]) -> None:
        """Fill the lists, to show the form. A submission that is accepted is never shown, so
        none of them is built for it: no field checks its choices (confkit does)."""
        self.organisation_country.choices = [_NONE, *country_choices()]
        self.category.choices = [
            SelectChoice(c.value, label(c)) for c in public_categories(self.event)
        ]
        self.organisation.choices = [
            SelectChoice("", _l("None, or not listed below")),
            SelectChoice(NEW_ORGANISATION, _l("Another organisation: I name it below")),
            *(SelectChoice(str(o.id), o.full_name) for o in organisations),
        ]
        self.delegation.choices = [_NONE, *delegation_choices(self.event.delegations)]

    def validate_organisation(self, field: SelectField) -> None:
        if field.data not in ("", NEW_ORGANISATION) and not is_id(field.data):
            raise FieldError(_l("is not one of the choices"))

    def validate_delegation(self, field: SelectField) -> None:
        if field.data and not is_id(field.data):
            raise FieldError(_l("is not one of the choices"))

    def validate_invitation_code(self, field: StringField) -> None:
        # A code is looked up as typed, and PostgreSQL refuses a NUL in a query outright.
        if CONTROL_CHARACTERS.search(field.data or ""):
            raise FieldError(_l("contains a control character"))

    def details(self, *, locale: str) -> SignupDetails:
        """What the person entered, as confkit's register takes it; ``locale`` is the language
        the form was shown in, for the person's mails."""
        chosen = self.organisation.data or ""
        new_name = self.organisation_name.data or ""
        new_organisation = None
        # Naming an organisation without picking "another" in the list still means it.
        if chosen == NEW_ORGANISATION or new_name.strip():
            new_organisation = NewOrganisation(
                name=new_name,
                kind=self.organisation_kind.data or "",
                country=self.organisation_country.data or None,
            )
        return SignupDetails(
            given_name=self.given_name.data or "",
            family_name=self.family_name.data or "",
            email=self.email.data or "",
            category=self.category.data or "",
            organisation_id=int(chosen) if is_id(chosen) else None,
            new_organisation=new_organisation,
            position=self.position.data or "",
            delegation_id=int(self.delegation.data) if self.delegation.data else None,
            answers=self._data_of("answers") or {},
            consent=bool(self._data_of("consent")),
            invitation_code=self._data_of("invitation_code"),
            locale=locale,
        )

    def show_problems(self, problems: Iterable[Problem]) -> list[str]:
        """Put each problem next to the field it names; return the messages that name none.
        Both read in the request's language."""
        unplaced: list[str] = []
        for problem in problems:
            field = self._field_named(problem.field)
            text = confkit_text(problem)
            if field is None:
                unplaced.append(text)
            else:
                field.errors = [*field.errors, text]
        return unplaced

    def _data_of(self, name: str) -> Any:
        field = self._fields.get(name)
        return None if field is None else field.data

    def _field_named(self, name: str) -> Field | None:
        if name.startswith("answers."):
            answers = self._fields.get("answers")
            return None if answers is None else answers.form._fields.get(name[len("answers.") :])
        field: Field | None = self._fields.get(name)
        # The form's own plumbing is never what a confkit problem means.
        return None if name in ("csrf_token", "answers") else field


def registration_form(event: Event) -> RegistrationForm:
    """The registration form of ``event``: the common fields, the event's own questions, and
    the consent and invitation code where the event asks for them."""
    shapes = tuple(QuestionShape.of(question) for question in event.questions)
    form_class = _registration_form_class(
        shapes,
        asks_consent=bool(event.consent_text),
        by_invitation=event.registration_mode is RegistrationMode.INVITATION,
    )
    form: RegistrationForm = form_class(event=event)
    return form


@dataclass(frozen=True)
class QuestionShape:
    """What a question's field is made of; two questions of the same shape make the same field."""

    key: str
    label: str
    kind: QuestionKind
    choices: tuple[str, ...]

    @classmethod
    def of(cls, question: RegistrationQuestion) -> QuestionShape:
        return cls(question.key, question.label, question.kind, tuple(question.choices))


# A form class is built once per set of questions, not per request: building one (and WTForms
# ordering its fields on first use) costs more than filling it. An edited question has another
# shape, so it gets a new class. A field the page does not show is not in the class at all
# (WTForms drops a field set to None), because every field is built again on every request.
@lru_cache(maxsize=256)
def _registration_form_class(
    shapes: tuple[QuestionShape, ...], *, asks_consent: bool, by_invitation: bool
) -> type[RegistrationForm]:
    fields: dict[str, FormField | None] = {
        "answers": FormField(answers_form_class(shapes), separator="-") if shapes else None
    }
    if not asks_consent:
        fields["consent"] = None
    if not by_invitation:
        fields["invitation_code"] = None
    return type("EventRegistrationForm", (RegistrationForm,), fields)


def answers_form_class(questions: Sequence[QuestionShape]) -> type[Form]:
    """A form with one field per question, named by the question's key, in the event's order.

    Choices are not checked here: confkit says which answer is wrong and why.
    """
    fields: dict[str, Field] = {}
    for question in questions:
        fields[question.key] = _question_field(question)
    return type("AnswersForm", (Form,), fields)


def _question_field(question: QuestionShape) -> Any:
    label = question.label
    choices = [SelectChoice(choice) for choice in question.choices]
    match question.kind:
        case QuestionKind.LONG_TEXT:
            return TextAreaField(label)
        case QuestionKind.SINGLE_CHOICE:
            return RadioField(label, choices=choices, validate_choice=False)
        case QuestionKind.MULTIPLE_CHOICE:
            return MultiCheckboxField(label, choices=choices, validate_choice=False)
        case QuestionKind.CHECKBOX:
            return BooleanField(label)
        case QuestionKind.COUNTRY:
            return SelectField(
                label, choices=[_NONE, *country_choices()], validate_choice=False, default=""
            )
        case _:
            return StringField(label)


def is_id(value: str | None) -> bool:
    """Whether a submitted select value can be a database id."""
    # A database id as a select option sends it: ASCII digits, within a sane length.
    return bool(value) and value.isascii() and value.isdigit() and len(value) <= 18


def delegation_choices(delegations: Iterable[Delegation]) -> list[SelectChoice]:
    """The event's delegations by name, as select options."""
    ordered = sorted(delegations, key=lambda d: (d.name, d.id))
    return [SelectChoice(str(d.id), d.name) for d in ordered]


def country_choices() -> tuple[SelectChoice, ...]:
    """ISO 3166-1 countries by name in the request's language, in its alphabetical order."""
    return _country_choices(current_locale() if has_request_context() else DEFAULT_LOCALE)


@cache
def _country_choices(locale: str) -> tuple[SelectChoice, ...]:
    # English keeps the names of the table the tz database ships; other languages take
    # Babel's (CLDR's) names, and the table's where CLDR has none.
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
    local_names = Locale.parse(locale).territories if locale != DEFAULT_LOCALE else {}
    named = ((code, local_names.get(code, name)) for code, name, *_ in rows)
    in_order = sorted(named, key=lambda choice: alphabetical_key(choice[1], locale))
    return tuple(SelectChoice(code, name) for code, name in in_order)


class ActionForm(AppForm):
    """A button that changes something: it carries only the CSRF token."""


class CheckInForm(AppForm):
    """The scanned or typed ticket."""

    payload = StringField(_l("Ticket code"))

    def validate_payload(self, field: StringField) -> None:
        if not TICKET_PAYLOAD.match((field.data or "").strip()):
            raise FieldError(_l("This is not a confkit ticket code."))


class UnlockForm(AppForm):
    """The check-in code the organisers gave the door staff."""

    code = PasswordField(_l("Check-in code"))
