"""The organisers' import pages: upload a CSV file of sessions or attendees, see every row with
what it does or what is wrong, then import it all in one transaction.

The preview runs the very checks the import runs (``confkit.transfer.plan_csv_import``) and saves
nothing; a file with any bad row cannot be confirmed. The file previewed is kept for the
confirmation (``import_uploads.py``). A small file is checked and imported within the request; a
large one in the background (``import_jobs.py``), on a page that shows its progress and reloads
itself, without JavaScript, until it is done. Every page is for the event's organisers and the
admins.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Final

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from confkit.errors import ValidationError
from confkit.imports.csv_table import MAX_FILE_BYTES, MAX_ROWS, Words
from confkit.imports.plan import ImportPlan
from confkit.models import AccountRole, Event, User
from confkit.services import get_event
from confkit.services.audit import user_actor
from confkit.transfer import plan_csv_import
from webapp.admin import bp
from webapp.admin.auth import require_role
from webapp.admin.form_errors import STALE_FORM
from webapp.admin.import_forms import IMPORT_KINDS, ImportConfirmForm, ImportUploadForm
from webapp.admin.import_jobs import (
    Failure,
    Job,
    Phase,
    claim_upload,
    find_job,
    lost_after,
    new_job_id,
    remember_job,
    runs_in_background,
    start_job,
)
from webapp.admin.import_uploads import forget_upload, keep_upload, kept_upload
from webapp.admin.registration_routes import organiser_actor
from webapp.database import get_db
from webapp.i18n import confkit_line

# How often the page of a running job reloads itself, in seconds.
REFRESH_SECONDS: Final = 2
# Room for the multipart envelope and the other fields around the file itself.
FORM_OVERHEAD_BYTES: Final = 64 * 1024
TOO_LARGE: Final = _l(
    "The file is larger than %(megabytes)s MB: split it into several files.",
    megabytes=MAX_FILE_BYTES // (1024 * 1024),
)
STALE: Final = _l(
    "This preview is no longer available (it was imported already, has expired, or was made in "
    "another browser): upload the file again."
)
ALREADY_IMPORTING: Final = _l("This file is being imported, or was imported already.")
FAILURES: Final[dict[Failure, LazyString]] = {
    "unexpected error": _l("It stopped on an unexpected error."),
    "event deleted": _l("The event was deleted meanwhile."),
}


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
    filename = upload.filename or "upload.csv"
    if runs_in_background(data):
        kept = keep_upload(data, event_slug=event.slug, kind=kind, filename=filename)
        return _start(user, event, "preview", kind, kept.filename, kept.token, data)
    started = time.monotonic()
    try:
        plan = plan_csv_import(get_db(), event, kind, data, save=False, actor=organiser_actor(user))
    except ValidationError as error:
        return _upload_page(event, form, [confkit_line(p) for p in error.problems], status=400)
    seconds = time.monotonic() - started
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
        problems = [str(STALE_FORM)] if form.csrf_token.errors else [STALE]
        return _upload_page(event, ImportUploadForm(formdata=None), problems, status=400)
    kind, token = form.kind.data or "", form.upload.data or ""
    found = kept_upload(token, event_slug=event.slug, kind=kind)
    if found is None:
        return _upload_page(event, ImportUploadForm(formdata=None), [STALE], status=400)
    kept, data = found
    job_id = new_job_id() if runs_in_background(data) else ""
    claimed_by = claim_upload(token, job_id)
    if claimed_by:
        remember_job(claimed_by, event_slug=event.slug)
        return redirect(url_for("admin.import_job", slug=event.slug, job_id=claimed_by), 303)
    if claimed_by is not None:
        return _upload_page(event, ImportUploadForm(formdata=None), [ALREADY_IMPORTING], status=409)
    if job_id:
        return _start(user, event, "import", kind, kept.filename, token, data, job_id=job_id)
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
    return _done_page(event, kind, kept.filename, plan)


@bp.get("/events/<slug>/import/jobs/<job_id>")
def import_job(slug: str, job_id: str) -> ResponseReturnValue:
    """A background preview or import: its progress while it runs, then its outcome."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    job = find_job(job_id, event_slug=event.slug, user_id=user.id)
    if job is None:
        abort(404)
    if job.state == "done" and job.phase == "preview":
        plan = job.plan()
        confirm = None
        if plan.ok and kept_upload(job.upload, event_slug=event.slug, kind=job.kind) is not None:
            confirm = ImportConfirmForm(formdata=None, kind=job.kind, upload=job.upload)
        return _preview_page(event, job.kind, job.filename, plan, job.seconds, confirm=confirm)
    if job.state == "done":
        return _done_page(event, job.kind, job.filename, job.plan())
    running = job.state == "running" and not job.is_lost(lost_after())
    page = render_template(
        "admin/imports/job.html",
        event=event,
        job=job,
        problems=_job_problems(job),
        kind_label=IMPORT_KINDS.get(job.kind, job.kind),
        running=running,
        refresh_seconds=REFRESH_SECONDS,
    )
    return page, 200


def _start(
    user: User,
    event: Event,
    phase: Phase,
    kind: str,
    filename: str,
    token: str,
    data: bytes,
    *,
    job_id: str | None = None,
) -> ResponseReturnValue:
    job: Job = start_job(
        phase=phase,
        event=event,
        kind=kind,
        filename=filename,
        upload=token,
        data=data,
        user_id=user.id,
        actor=user_actor(user),
        history_actor=organiser_actor(user),
        job_id=job_id,
    )
    return redirect(url_for("admin.import_job", slug=event.slug, job_id=job.id), 303)


def _done_page(event: Event, kind: str, filename: str, plan: ImportPlan) -> ResponseReturnValue:
    return render_template(
        "admin/imports/done.html",
        event=event,
        kind_label=IMPORT_KINDS[kind],
        kind=kind,
        filename=filename,
        plan=plan,
        created=created_label(plan.created),
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
        max_rows=MAX_ROWS,
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
        created=created_label(plan.created),
        seconds=seconds,
        confirm=confirm,
    )
    return page, status


def _job_problems(job: Job) -> list[Words]:
    """Why a job saved nothing: what went wrong around confkit, then what confkit said."""
    failure = FAILURES.get(job.failure)
    return [*([str(failure)] if failure is not None else []), *job.refusals()]


def _form_problems(form: ImportUploadForm) -> list[str]:
    if form.csrf_token.errors:
        return [str(STALE_FORM)]
    return [str(message) for messages in form.errors.values() for message in messages]


def created_label(created: Counter[str]) -> str:
    """What an import adds, in words: "2 sessions, 1 track"; "" for nothing."""
    return ", ".join(_created(kind, number) for kind, number in sorted(created.items()) if number)


def _created(kind: str, number: int) -> str:
    match kind:
        case "sessions":
            return ngettext("%(num)d session", "%(num)d sessions", number)
        case "persons":
            return ngettext("%(num)d person", "%(num)d persons", number)
        case "registrations":
            return ngettext("%(num)d registration", "%(num)d registrations", number)
        case "organisations":
            return ngettext("%(num)d organisation", "%(num)d organisations", number)
        case "delegations":
            return ngettext("%(num)d delegation", "%(num)d delegations", number)
        case "tracks":
            return ngettext("%(num)d track", "%(num)d tracks", number)
        case "rooms":
            return ngettext("%(num)d room", "%(num)d rooms", number)
    return f"{number} {kind}"
