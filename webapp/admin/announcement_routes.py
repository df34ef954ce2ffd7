"""The organisers' announcements: a message to the registrations the list's filters choose,
previewed (how many people, and who) before it is written to the outbox."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, request
from flask.typing import ResponseReturnValue

from confkit.errors import ValidationError
from confkit.models import AccountRole, Event, RegistrationStatus
from confkit.services import get_event
from confkit.services.announcements import announce, check_announcement, recipients
from confkit.services.registration_search import filter_registrations
from webapp.admin import bp
from webapp.admin.auth import require_role
from webapp.admin.form_errors import STALE_FORM
from webapp.admin.registration_forms import AnnouncementForm
from webapp.admin.registration_routes import organiser_actor
from webapp.database import get_db
from webapp.feeds.settings import feed_settings
from webapp.i18n import confkit_line

TEMPLATE = "admin/announcements.html"


@bp.route("/events/<slug>/announcements", methods=["GET", "POST"])
def announcements(slug: str) -> ResponseReturnValue:
    """The form (confirmed attendees by default); its POST previews, and the preview's "send"
    button writes one mail per recipient."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    if request.method == "GET":
        form = AnnouncementForm(
            formdata=None,
            data={"status": RegistrationStatus.CONFIRMED.value},
            delegations=event.delegations,
        )
        return render_template(TEMPLATE, event=event, form=form, step="compose")
    form = AnnouncementForm(delegations=event.delegations)
    if not form.validate():
        problems = [str(STALE_FORM)] if form.csrf_token.errors else form.problems()
        return _compose_page(event, form, problems)
    if form.edit.data:
        return render_template(TEMPLATE, event=event, form=form, step="compose")
    subject, body = form.subject.data or "", form.body.data or ""
    try:
        check_announcement(subject, body)
        found = filter_registrations(get_db(), event, **form.filters())
    except ValidationError as error:
        return _compose_page(event, form, [confkit_line(p) for p in error.problems])
    if not form.send.data:
        chosen = recipients(event, found.registrations)
        return render_template(TEMPLATE, event=event, form=form, step="preview", chosen=chosen)
    # The filters are applied again: whoever matches them now is who the organiser chose.
    queued = announce(
        get_db(),
        event,
        found.registrations,
        subject=subject,
        body=body,
        actor=organiser_actor(user),
        base_url=feed_settings().base_url,
    )
    return render_template(TEMPLATE, event=event, form=form, step="sent", queued=queued)


def _compose_page(
    event: Event, form: AnnouncementForm, problems: Sequence[str]
) -> ResponseReturnValue:
    page = render_template(TEMPLATE, event=event, form=form, step="compose", problems=problems)
    return page, 400
