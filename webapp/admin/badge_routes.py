"""The organisers' badge printing: the registrations the list's filters choose, or those ticked
on the list, as a PDF of badges carrying each attendee's ticket QR code.

``/badges`` shows who gets a badge and who is left out (no ticket) before printing;
``/badges.pdf`` sends the file. Every page is for the event's organisers and the admins only.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue

from confkit.errors import ValidationError
from confkit.formats.badges import BadgeSheet, render_badges
from confkit.models import Event, Registration
from confkit.services.badges import badge_sheet, chosen_registrations
from confkit.services.registration_search import filter_registrations
from webapp.admin import bp
from webapp.admin.badge_forms import BadgeFilterForm, BadgeSelectionForm
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db
from webapp.i18n import confkit_line, confkit_text

TEMPLATE = "admin/badges.html"


@bp.get("/events/<slug>/badges")
def badges(slug: str) -> ResponseReturnValue:
    """The filters and layout, with who would get a badge and who is left out."""
    event = event_for_organiser(slug)
    form = BadgeFilterForm(request.args, delegations=event.delegations)
    sheet, problems = _filtered_sheet(event, form)
    return _page(event, filter_form=form, sheet=sheet, problems=problems)


@bp.post("/events/<slug>/badges")
def badges_for_selection(slug: str) -> ResponseReturnValue:
    """The registrations ticked on the list: who gets a badge, who is left out, and the
    button that prints them."""
    event = event_for_organiser(slug)
    form = BadgeSelectionForm()
    sheet, problems = _chosen_sheet(event, form)
    return _page(event, selection_form=form, sheet=sheet, problems=problems)


@bp.get("/events/<slug>/badges.pdf")
def badges_pdf(slug: str) -> ResponseReturnValue:
    """The badges of the registrations the query string's filters choose."""
    event = event_for_organiser(slug)
    form = BadgeFilterForm(request.args, delegations=event.delegations)
    sheet, problems = _filtered_sheet(event, form)
    if sheet is None:
        return _page(event, filter_form=form, problems=problems)
    return _pdf(event, sheet, form.layout.data, filter_form=form)


@bp.post("/events/<slug>/badges.pdf")
def badges_pdf_for_selection(slug: str) -> ResponseReturnValue:
    """The badges of the registrations posted."""
    event = event_for_organiser(slug)
    form = BadgeSelectionForm()
    sheet, problems = _chosen_sheet(event, form)
    if sheet is None:
        return _page(event, selection_form=form, problems=problems)
    return _pdf(event, sheet, form.layout.data, selection_form=form)


def _filtered_sheet(event: Event, form: BadgeFilterForm) -> tuple[BadgeSheet | None, list[str]]:
    if not form.validate():
        return None, form.problems()
    try:
        found = filter_registrations(get_db(), event, **form.filters())
    except ValidationError as error:
        return None, [confkit_line(p) for p in error.problems]
    return badge_sheet(get_db(), event, found.registrations), []


def _chosen_sheet(event: Event, form: BadgeSelectionForm) -> tuple[BadgeSheet | None, list[str]]:
    if not form.validate():
        return None, form.problems()
    try:
        chosen = chosen_registrations(get_db(), event, form.registration_ids.data or [])
    except ValidationError as error:
        return None, [confkit_text(p) for p in error.problems]
    return badge_sheet(get_db(), event, chosen), []


def _pdf(
    event: Event, sheet: BadgeSheet, layout: str | None, **forms: object
) -> ResponseReturnValue:
    try:
        data = render_badges(
            sheet, secret_key=current_app.config["SECRET_KEY"], layout=layout or ""
        )
    except ValidationError as error:
        problems = [confkit_line(p) for p in error.problems]
        return _page(event, sheet=sheet, problems=problems, **forms)
    return data, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{event.slug}-badges-{layout}.pdf"',
        "Cache-Control": "private, no-store",
    }


def _page(
    event: Event,
    *,
    sheet: BadgeSheet | None = None,
    problems: Sequence[str] = (),
    filter_form: BadgeFilterForm | None = None,
    selection_form: BadgeSelectionForm | None = None,
) -> ResponseReturnValue:
    if filter_form is None:
        filter_form = BadgeFilterForm(formdata=None, delegations=event.delegations)
    printed: Sequence[Registration] = sheet.registrations if sheet else ()
    page = render_template(
        TEMPLATE,
        event=event,
        filter_form=filter_form,
        selection_form=selection_form,
        sheet=sheet,
        printed=printed,
        problems=problems,
    )
    return page, 400 if problems else 200
