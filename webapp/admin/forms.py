"""The back-office's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from confkit.passwords import MAX_LENGTH
from confkit.services.accounts import EMAIL_MAX_LENGTH
from webapp.forms import AppForm


class LoginForm(AppForm):
    """Email and password; ``next`` is where to go afterwards, checked before it is used."""

    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=EMAIL_MAX_LENGTH)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class LogoutForm(AppForm):
    """A button with a CSRF token, so no other site can log anyone out."""
