"""The audit log: an event's changes for its organisers, everyone's for the admins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask.typing import ResponseReturnValue

from confkit.errors import ValidationError
from confkit.models import AccountRole, Event
from confkit.services.audit import TimelinePage, event_timeline, full_timeline
from webapp.admin import bp
from webapp.admin.audit_forms import AuditFilterForm
from webapp.admin.auth import require_role
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db
from webapp.i18n import confkit_line

UTC_ZONE = ZoneInfo("UTC")


@bp.get("/events/<slug>/audit")
def event_audit(slug: str) -> ResponseReturnValue:
    """Who changed what in the event, and its registrations, newest first."""
    event = event_for_organiser(slug)
    return _audit_page(
        lambda form: event_timeline(get_db(), event, **form.filters()),
        event=event,
        zone=ZoneInfo(event.timezone),
    )


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    """Every change, also those of people, organisations and accounts, for the admins."""
    require_role(AccountRole.ADMIN)
    return _audit_page(
        lambda form: full_timeline(get_db(), **form.filters()), event=None, zone=UTC_ZONE
    )


def _audit_page(
    read: Callable[[AuditFilterForm], TimelinePage], *, event: Event | None, zone: ZoneInfo
) -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    problems: Sequence[str] = []
    timeline = None
    if not form.validate():
        problems = form.problems()
    else:
        try:
            timeline = read(form)
        except ValidationError as error:
            problems = [confkit_line(p) for p in error.problems]
    page = render_template(
        "admin/audit/log.html",
        event=event,
        zone=zone,
        form=form,
        timeline=timeline,
        problems=problems,
    )
    return page, 400 if problems else 200
