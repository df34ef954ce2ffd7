"""The base form: WTForms' own messages in the request's language, from confkit's catalogues
first (WTForms has no Azerbaijani), else WTForms' own, read from disk once."""

from __future__ import annotations

import re

import pytest
from flask import Flask, g, session
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length

from webapp import forms
from webapp.forms import AppForm


class _AgeForm(AppForm):
    class Meta:
        csrf = False

    age = IntegerField("Age", validators=[InputRequired()])


@pytest.mark.parametrize(
    ("language", "required", "not_a_number"),
    [
        ("en", "This field is required.", "Not a valid integer value."),
        ("ru", "Заполните это поле.", "Это не целое число."),
        ("az", "Bu sahəni doldurun.", "Tam ədəd deyil."),
    ],
)
def test_wtforms_messages_read_in_the_request_language(
    app: Flask, language: str, required: str, not_a_number: str
) -> None:
    with app.test_request_context(f"/?lang={language}", method="POST", data={"age": ""}):
        empty = _AgeForm()
        empty.validate()
    with app.test_request_context(f"/?lang={language}", method="POST", data={"age": "x"}):
        wrong = _AgeForm()
        wrong.validate()

    assert empty.age.errors == [required]
    assert not_a_number in wrong.age.errors


class _CodeForm(AppForm):
    class Meta:
        csrf = False

    code = StringField("Code", validators=[Length(max=3)])


def test_other_wtforms_messages_come_from_its_catalogue_read_once(app: Flask) -> None:
    forms._wtforms_catalogue.cache_clear()
    errors = []
    for _ in range(3):
        with app.test_request_context("/?lang=ru", method="POST", data={"code": "ABCDE"}):
            form = _CodeForm()
            form.validate()
            errors.append(form.code.errors)

    assert errors == [["Значение не должно содержать более 3 символов."]] * 3
    assert forms._wtforms_catalogue.cache_info().misses == 1


class _NameForm(AppForm):
    name = StringField("Name", validators=[InputRequired()])


def test_an_accepted_submission_signs_no_new_token_and_a_shown_form_one(app: Flask) -> None:
    with app.test_request_context("/"):
        shown = _NameForm()
        markup = str(shown.csrf_token)
        token = re.search(r'value="([^"]+)"', markup)
        session_cookie = dict(session)
    assert token is not None

    with app.test_request_context(
        "/", method="POST", data={"name": "Aysel", "csrf_token": token.group(1)}
    ):
        session.update(session_cookie)
        accepted = _NameForm()
        assert accepted.validate()
        assert "csrf_token" not in g  # Flask-WTF keeps the token it signs in g
        again = re.search(r'value="([^"]+)"', str(accepted.csrf_token))
        assert "csrf_token" in g
    assert again is not None
    assert again.group(1) != ""


def test_a_forged_token_is_still_refused(app: Flask) -> None:
    with app.test_request_context("/", method="POST", data={"name": "Aysel", "csrf_token": "x"}):
        form = _NameForm()
        assert not form.validate()
        assert form.csrf_token.errors
