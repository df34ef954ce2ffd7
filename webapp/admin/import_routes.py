"""The organisers' import pages: upload a CSV file of sessions or attendees, see every row with
what it does or what is wrong, then import it all in one transaction.

The preview runs the very checks the import runs (``confkit.transfer.plan_csv_import``) and saves
nothing; a file with any bad row cannot be confirmed. The file previewed is kept for the
confirmation (``import_uploads.py``). Every page is for the event's organisers and the admins.
"""

from __future__ import annotations

import time
from typing import Final

from flask import render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from confkit.errors import ValidationError
from confkit.imports.csv_table import MAX_FILE_BYTES
from confkit.imports.plan import ImportPlan
from confkit.models import AccountRole, Event
from confkit.services import get_event
from confkit.transfer import plan_csv_import
from webapp.admin import bp
from webapp.admin.auth import require_role
from webapp.admin.import_forms import IMPORT_KINDS, ImportConfirmForm, ImportUploadForm
from webapp.admin.import_uploads import forget_upload, keep_upload, kept_upload
from webapp.admin.registration_routes import organiser_actor
from webapp.database import get_db

# Each row runs through the services (tens of milliseconds); a larger file would outlast the
# request's time limit on a production server, so it goes through ``confkit import`` instead.
MAX_WEB_ROWS: Final = 1000
# Room for the multipart envelope and the other fields around the file itself.
FORM_OVERHEAD_BYTES: Final = 64 * 1024
TOO_LARGE: Final = (
    f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it into several files."
)
STALE: Final = (
    "This preview is no longer available (it was imported already, has expired, or was made in "
    "another browser): upload the file again."
)
FORM_EXPIRED: Final = "The page was open too long, or the form did not come from this site."


@bp.get("/events/<slug>/import")
def import_upload(slug: str) -> ResponseReturnValue:
    """The upload form."""
    event = get_event(get_db(), slug)
    require_role(AccountRole.ORGANISER, event)
    return _upload_page(event, ImportUploadForm())


@bp.post("/events/<slug>/import")
def import_preview(slug: str) -> ResponseReturnValue:
    """Every row of the uploaded file with what it would do or what is wrong; nothing saved."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    # Refused while the body is read, before a byte of an oversized file is kept.
    request.max_content_length = MAX_FILE_BYTES + FORM_OVERHEAD_BYTES
    try:
        form = ImportUploadForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        return _upload_page(event, ImportUploadForm(formdata=None), [TOO_LARGE], status=413)
    if not valid:
        return _upload_page(event, form, _form_problems(form), status=400)
    upload = form.file.data
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return _upload_page(event, form, [TOO_LARGE], status=413)
    kind = form.kind.data or ""
    started = time.monotonic()
    try:
        plan = plan_csv_import(
            get_db(),
            event,
            kind,
            data,
            save=False,
            actor=organiser_actor(user),
            max_rows=MAX_WEB_ROWS,
        )
    except ValidationError as error:
        problems = [str(p) for p in error.problems]
        if any(f"more than {MAX_WEB_ROWS:,} rows" in p for p in problems):
            problems.append(
                f"For a larger file use the command line: confkit import {kind} {event.slug} FILE"
            )
        return _upload_page(event, form, problems, status=400)
    seconds = time.monotonic() - started
    filename = upload.filename or "upload.csv"
    if not plan.ok:
        return _preview_page(event, kind, filename, plan, seconds, confirm=None, status=400)
    kept = keep_upload(data, event_slug=event.slug, kind=kind, filename=filename)
    confirm = ImportConfirmForm(formdata=None, kind=kind, upload=kept.token)
    return _preview_page(event, kind, filename, plan, seconds, confirm=confirm)


@bp.post("/events/<slug>/import/confirm")
def import_confirm(slug: str) -> ResponseReturnValue:
    """Import the file previewed, all of it in this request's transaction, or nothing."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    form = ImportConfirmForm()
    if not form.validate():
        problems = [FORM_EXPIRED] if form.csrf_token.errors else [STALE]
        return _upload_page(event, ImportUploadForm(formdata=None), problems, status=400)
    kind, token = form.kind.data or "", form.upload.data or ""
    found = kept_upload(token, event_slug=event.slug, kind=kind)
    if found is None:
        return _upload_page(event, ImportUploadForm(formdata=None), [STALE], status=400)
    kept, data = found
    started = time.monotonic()
    try:
        plan = plan_csv_import(get_db(), event, kind, data, save=True, actor=organiser_actor(user))
    except ValidationError:
        # The programme or the registrations changed since the preview: show what is wrong now.
        forget_upload(token)
        plan = plan_csv_import(get_db(), event, kind, data, save=False, actor=organiser_actor(user))
        seconds = time.monotonic() - started
        return _preview_page(event, kind, kept.filename, plan, seconds, confirm=None, status=409)
    forget_upload(token)
    return render_template(
        "admin/imports/done.html",
        event=event,
        kind_label=IMPORT_KINDS[kind],
        kind=kind,
        filename=kept.filename,
        plan=plan,
    )


def _upload_page(
    event: Event, form: ImportUploadForm, problems: list[str] | None = None, *, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "admin/imports/upload.html",
        event=event,
        form=form,
        problems=problems or [],
        max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        max_rows=MAX_WEB_ROWS,
    )
    return page, status


def _preview_page(
    event: Event,
    kind: str,
    filename: str,
    plan: ImportPlan,
    seconds: float,
    *,
    confirm: ImportConfirmForm | None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "admin/imports/preview.html",
        event=event,
        kind=kind,
        kind_label=IMPORT_KINDS[kind],
        filename=filename,
        plan=plan,
        seconds=seconds,
        confirm=confirm,
    )
    return page, status


def _form_problems(form: ImportUploadForm) -> list[str]:
    if form.csrf_token.errors:
        return [FORM_EXPIRED]
    return [str(message) for messages in form.errors.values() for message in messages]
