"""The organisers' registration settings: window, seats, mode, waiting list, categories and
consent; the event's own questions; its invitation codes."""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext

from confkit.errors import ValidationError
from confkit.models import Event, RegistrationQuestion
from confkit.schedule import event_zone
from confkit.services.registration_settings import (
    add_invitation_code,
    add_question,
    answer_count,
    answer_counts,
    move_question,
    remove_question,
    save_registration_settings,
    update_question,
)
from confkit.services.seats import seat_count
from webapp.admin import bp
from webapp.admin.event_forms import MoveForm, RemoveForm
from webapp.admin.form_errors import STALE_FORM, form_problems, show_problems
from webapp.admin.registration_routes import event_for_organiser
from webapp.admin.registration_settings_forms import (
    KIND_LABELS,
    SETTINGS_FIELDS,
    InvitationCodeForm,
    QuestionForm,
    RegistrationSettingsForm,
    settings_data,
)
from webapp.admin.zoned_fields import set_zone
from webapp.database import get_db
from webapp.feeds.settings import feed_settings
from webapp.i18n import confkit_text


@bp.route("/events/<slug>/registration-settings", methods=["GET", "POST"])
def registration_settings(slug: str) -> ResponseReturnValue:
    """The settings. A new number of seats goes to the waiting list first, in order."""
    event = event_for_organiser(slug)
    form = RegistrationSettingsForm()
    set_zone(form, event_zone(event))
    if not form.is_submitted():
        shown = RegistrationSettingsForm(formdata=None, data=settings_data(event))
        set_zone(shown, event_zone(event))
        return _settings_page(event, shown)
    if not form.validate():
        return _settings_page(event, form, form_problems(form), status=400)
    try:
        promoted = save_registration_settings(
            get_db(), event, base_url=feed_settings().base_url, **form.settings()
        )
    except ValidationError as error:
        problems = show_problems(form, error.problems, fields=SETTINGS_FIELDS)
        return _settings_page(event, form, problems, status=400)
    flash(gettext("The registration settings are saved."))
    if promoted:
        flash(
            ngettext(
                "%(num)d person from the waiting list got a seat and will be told by mail.",
                "%(num)d people from the waiting list got a seat and will be told by mail.",
                len(promoted),
            )
        )
    return redirect(url_for(".registration_settings", slug=event.slug), 303)


@bp.route("/events/<slug>/questions", methods=["GET", "POST"])
def questions(slug: str) -> ResponseReturnValue:
    """The event's own questions in the order the form asks them; the form below adds one."""
    event = event_for_organiser(slug)
    form = QuestionForm()
    if not form.is_submitted():
        return _questions_page(event, QuestionForm(formdata=None))
    if not form.validate():
        return _questions_page(event, form, form_problems(form), status=400)
    try:
        add_question(get_db(), event, **form.question_fields())
    except ValidationError as error:
        return _questions_page(event, form, show_problems(form, error.problems), status=400)
    return redirect(url_for(".questions", slug=event.slug), 303)


@bp.route("/events/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
def question_edit(slug: str, question_id: int) -> ResponseReturnValue:
    """One question: its wording, kind, choices and whether it must be answered."""
    event = event_for_organiser(slug)
    question = _question_of(event, question_id)
    form = QuestionForm(creating=False)
    if not form.is_submitted():
        shown = QuestionForm(
            formdata=None,
            creating=False,
            data={
                "label": question.label,
                "kind": question.kind.value,
                "choices": "\n".join(question.choices),
                "required": question.required,
            },
        )
        return _question_page(event, question, shown)
    if not form.validate():
        return _question_page(event, question, form, form_problems(form), status=400)
    try:
        update_question(get_db(), question, **form.question_fields())
    except ValidationError as error:
        problems = show_problems(form, error.problems)
        return _question_page(event, question, form, problems, status=400)
    return redirect(url_for(".questions", slug=event.slug), 303)


@bp.post("/events/<slug>/questions/<int:question_id>/move")
def question_move(slug: str, question_id: int) -> ResponseReturnValue:
    """Ask a question one place earlier or later."""
    event = event_for_organiser(slug)
    question = _question_of(event, question_id)
    form = MoveForm()
    if not form.validate():
        problems = form_problems(form) or [gettext("That button does not move anything.")]
        return _questions_page(event, QuestionForm(formdata=None), problems, status=400)
    move_question(get_db(), question, by=form.by.data or 0)
    return redirect(url_for(".questions", slug=event.slug), 303)


@bp.post("/events/<slug>/questions/<int:question_id>/remove")
def question_remove(slug: str, question_id: int) -> ResponseReturnValue:
    """Remove a question nobody has answered; an answered one stays, and the page says why."""
    event = event_for_organiser(slug)
    question = _question_of(event, question_id)
    form = RemoveForm()
    if not form.validate():
        return _questions_page(event, QuestionForm(formdata=None), [str(STALE_FORM)], status=400)
    try:
        remove_question(get_db(), question)
    except ValidationError as error:
        problems = [f"“{question.label}” {confkit_text(p)}" for p in error.problems]
        return _questions_page(event, QuestionForm(formdata=None), problems, status=400)
    return redirect(url_for(".questions", slug=event.slug), 303)


@bp.route("/events/<slug>/invitation-codes", methods=["GET", "POST"])
def invitation_codes(slug: str) -> ResponseReturnValue:
    """The event's invitation codes with their uses; the form below adds one."""
    event = event_for_organiser(slug)
    form = InvitationCodeForm()
    if not form.is_submitted():
        return _codes_page(event, InvitationCodeForm(formdata=None))
    if not form.validate():
        return _codes_page(event, form, form_problems(form), status=400)
    try:
        added = add_invitation_code(get_db(), event, **form.code_fields())
    except ValidationError as error:
        return _codes_page(event, form, show_problems(form, error.problems), status=400)
    flash(gettext("Invitation code %(code)s added.", code=added.code))
    return redirect(url_for(".invitation_codes", slug=event.slug), 303)


def _question_of(event: Event, question_id: int) -> RegistrationQuestion:
    question = get_db().get(RegistrationQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


def _settings_page(
    event: Event,
    form: RegistrationSettingsForm,
    problems: Sequence[str] = (),
    *,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "admin/events/registration_settings.html",
        event=event,
        form=form,
        problems=problems,
        seats=seat_count(get_db(), event),
    )
    return page, status


def _questions_page(
    event: Event, form: QuestionForm, problems: Sequence[str] = (), *, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "admin/events/questions.html",
        event=event,
        form=form,
        answers=answer_counts(get_db(), event),
        kind_labels=KIND_LABELS,
        move_form=MoveForm(formdata=None),
        remove_form=RemoveForm(formdata=None),
        problems=problems,
    )
    return page, status


def _question_page(
    event: Event,
    question: RegistrationQuestion,
    form: QuestionForm,
    problems: Sequence[str] = (),
    *,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "admin/events/question.html",
        event=event,
        question=question,
        form=form,
        answered=answer_count(get_db(), question),
        problems=problems,
    )
    return page, status


def _codes_page(
    event: Event, form: InvitationCodeForm, problems: Sequence[str] = (), *, status: int = 200
) -> ResponseReturnValue:
    codes = sorted(event.invitation_codes, key=lambda code: code.id)
    page = render_template(
        "admin/events/invitation_codes.html",
        event=event,
        form=form,
        codes=codes,
        problems=problems,
    )
    return page, status
