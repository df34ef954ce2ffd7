"""The base of the web app's forms, and WTForms' own messages in the reader's language.

WTForms writes some messages itself (``This field is required.``, ``Not a valid date value.``).
It ships no Azerbaijani catalogue, so the ones confkit's forms can show are in confkit's
catalogues too (marked below) and taken from there first; any other comes from WTForms'
catalogue. Flask-WTF would read that catalogue from disk on every request; it does not change
while the app runs, so here each locale's is read once per process (on the public registration
form that was a sizeable share of a request).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup, escape
from wtforms.i18n import messages_path

# Marked for extraction only: WTForms asks for them by their English text.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid datetime value."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
)


@cache
def _wtforms_catalogue(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' messages in the request's locale."""

    def gettext(self, string: str) -> str:
        ours = gettext(string)
        return ours if ours != string else _catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue().ungettext(singular, plural, n)


def _catalogue() -> NullTranslations:
    locale = get_locale()
    return _wtforms_catalogue(str(locale) if locale is not None else "en")


_MESSAGES = _WTFormsMessages()


class _TokenWhenShown:
    """A form's CSRF token, signed the first time the form is shown: a submission that is
    accepted is answered with a redirect and never shows its form again, so signing a new token
    on every POST (as WTForms does when it builds the form) would be work for nothing."""

    def __init__(self, csrf: _CsrfWhenShown, field: Any) -> None:
        self._csrf = csrf
        self._field = field
        self._token: str | None = None

    def __str__(self) -> str:
        if self._token is None:
            self._token = self._csrf.signed_token(self._field)
        return self._token

    def __html__(self) -> Markup:
        return escape(str(self))


class _CsrfWhenShown(_FlaskFormCSRF):  # type: ignore[misc]
    """Flask-WTF's CSRF protection (the token in the session, checked on submission) with the
    token signed only when the form is rendered."""

    def generate_csrf_token(self, csrf_token_field: Any) -> _TokenWhenShown:
        return _TokenWhenShown(self, csrf_token_field)

    def signed_token(self, csrf_token_field: Any) -> str:
        token: str = super().generate_csrf_token(csrf_token_field)
        return token


class AppForm(FlaskForm):
    """A Flask-WTF form whose WTForms messages come from a catalogue read once per locale and
    whose CSRF token is signed only when it is shown."""

    class Meta:
        csrf_class = _CsrfWhenShown

        def get_translations(self, form: Any) -> _WTFormsMessages:
            return _MESSAGES
