"""The base of the web app's forms.

Flask-WTF reads WTForms' own message catalogue (``This field is required.`` and the like) from
disk once per request; a catalogue does not change while the app runs, so here each locale's is
read once per process. On the public registration form that is a sizeable share of a request.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@cache
def _wtforms_catalogue(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' messages in the request's locale."""

    def gettext(self, string: str) -> str:
        return _catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _catalogue().ungettext(singular, plural, n)


def _catalogue() -> NullTranslations:
    locale = get_locale()
    return _wtforms_catalogue(str(locale) if locale is not None else "en")


_MESSAGES = _WTFormsMessages()


class AppForm(FlaskForm):
    """A Flask-WTF form whose WTForms messages come from a catalogue read once per locale."""

    class Meta:
        def get_translations(self, form: Any) -> _WTFormsMessages:
            return _MESSAGES
