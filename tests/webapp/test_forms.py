"""The base form: WTForms' own messages in the request's language, read from disk once."""

from __future__ import annotations

import pytest
from flask import Flask
from wtforms import IntegerField
from wtforms.validators import InputRequired

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
        ("ru", "Обязательное поле.", "Неверное целое число."),
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


def test_a_catalogue_is_read_once_for_every_request(app: Flask) -> None:
    forms._wtforms_catalogue.cache_clear()
    for _ in range(3):
        with app.test_request_context("/?lang=ru", method="POST", data={"age": ""}):
            _AgeForm().validate()

    assert forms._wtforms_catalogue.cache_info().misses == 1
