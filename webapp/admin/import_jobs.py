"""Previews and imports of large files, run in the background while a page shows their progress.

A job runs in a thread of the app's process with a database session of its own, and writes what
it has done (phase, rows done of how many, a heartbeat, and at the end its outcome with every
row's report) to a small JSON file in the instance folder next to the uploaded file; every write
replaces the file whole, so a reader never sees half of one. Any worker process of the app can
then show the job's page: it reads the file, never the thread.

A job belongs to the signed session that started it and to its user; anyone else gets a 404. An
import saves its rows in one transaction committed at the very end, so a job whose heartbeat
stops (the worker restarted or died) saved nothing, and its page says so rather than waiting.
Importing the same preview twice is refused by claiming the upload on disk first: the claim is
an exclusive file creation, which only one request can win.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from flask import Flask, current_app, session

from confkit.auditing import Actor, set_actor
from confkit.errors import Problem, ValidationError
from confkit.i18n import LOCALES, Written
from confkit.imports.csv_table import Words
from confkit.imports.plan import ImportPlan, RowOutcome
from confkit.models import Event
from confkit.transfer import plan_csv_import
from webapp.admin.import_uploads import TOKEN_PATTERN, upload_folder
from webapp.database import get_store

SESSION_KEY: Final = "confkit_import_jobs"
# Jobs a session keeps track of; the oldest are forgotten first.
MAX_JOBS: Final = 8
#: ``app.config`` key: files with more lines than this are previewed and imported in the
#: background; smaller ones within the request.
BACKGROUND_LINES_CONFIG: Final = "CONFKIT_IMPORT_BACKGROUND_LINES"
DEFAULT_BACKGROUND_LINES: Final = 300
#: ``app.config`` key: seconds without a heartbeat after which a running job counts as lost.
LOST_AFTER_CONFIG: Final = "CONFKIT_IMPORT_JOB_LOST_AFTER"
DEFAULT_LOST_AFTER_SECONDS: Final = 60.0
# How often a running job's file is rewritten while rows go by.
WRITE_EVERY_SECONDS: Final = 0.5
_JOB_ID = re.compile(TOKEN_PATTERN)
_log = logging.getLogger(__name__)

Phase = Literal["preview", "import"]
State = Literal["running", "done", "refused", "failed"]
# Why a job ended without a plan, when confkit gave no problem to say so: the job's page says it
# in the reader's language.
Failure = Literal["", "unexpected error", "event deleted"]


@dataclass
class Job:
    """What a job's file holds."""

    id: str
    phase: Phase
    event_slug: str
    kind: str
    filename: str
    upload: str
    user_id: int
    state: State = "running"
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    heartbeat: float = field(default_factory=time.time)
    seconds: float = 0.0
    # Why a finished import saved nothing, line by line, as confkit says it in each of its
    # languages ({"en": ..., "az": ..., "ru": ...}; a file written before it spoke them holds
    # English text).
    problems: list[Any] = field(default_factory=list)
    failure: Failure = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)

    def is_lost(self, lost_after: float, now: float | None = None) -> bool:
        """Still marked running, but its heartbeat stopped long ago."""
        return self.state == "running" and (now or time.time()) - self.heartbeat > lost_after

    def plan(self) -> ImportPlan:
        """The finished job's rows as the plan the preview and outcome pages show."""
        return ImportPlan(
            rows=[
                RowOutcome(
                    line=row["line"],
                    summary=_shown(row["summary"]),
                    problems=[_shown(problem) for problem in row["problems"]],
                    notes=[_shown(note) for note in row["notes"]],
                    created=Counter(row["created"]),
                )
                for row in self.rows
            ],
            ignored_headers=list(self.ignored_headers),
        )

    def refusals(self) -> list[Words]:
        """Why the job saved nothing, line by line, readable in each of confkit's languages."""
        return [_shown(problem) for problem in self.problems]


def kept_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    """A plan's rows as a job's file keeps them, each report in every language."""
    return [
        {
            "line": row.line,
            "summary": _kept(row.summary),
            "problems": [_kept(problem) for problem in row.problems],
            "notes": [_kept(note) for note in row.notes],
            "created": dict(row.created),
        }
        for row in plan.rows
    ]


def _kept(words: Words) -> dict[str, str]:
    """Words as a job's file keeps them: written out in every language confkit speaks."""
    return Written.of(words).texts


def _shown(kept: object) -> Words:
    """Words as a job's file kept them, to be shown in the reader's language."""
    return Written(kept) if isinstance(kept, dict) else str(kept)


def kept_problem(problem: Problem) -> dict[str, str]:
    """Why a file was refused, as a job's file keeps it: "line 3: ..." in every language."""
    return {locale: problem.with_field_in(locale) for locale in LOCALES}


def runs_in_background(data: bytes) -> bool:
    """Whether a file is large enough to be checked and imported in the background."""
    limit = int(current_app.config.get(BACKGROUND_LINES_CONFIG, DEFAULT_BACKGROUND_LINES))
    return data.count(b"\n") > limit


def lost_after() -> float:
    """Seconds of silence after which a running job is reported lost."""
    return float(current_app.config.get(LOST_AFTER_CONFIG, DEFAULT_LOST_AFTER_SECONDS))


def start_job(
    *,
    phase: Phase,
    event: Event,
    kind: str,
    filename: str,
    upload: str,
    data: bytes,
    user_id: int,
    actor: Actor,
    history_actor: str,
    job_id: str | None = None,
) -> Job:
    """Start previewing (``phase`` "preview") or importing ``data`` in a thread; the job is this
    session's. ``actor`` is named in the audit log, ``history_actor`` in the registrations'."""
    job = Job(
        id=job_id or new_job_id(),
        phase=phase,
        event_slug=event.slug,
        kind=kind,
        filename=filename,
        upload=upload,
        user_id=user_id,
    )
    folder = upload_folder()
    recorder = _Recorder(folder / f"{job.id}.job.json", job)
    recorder.write()
    remember_job(job.id, event_slug=event.slug)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    interval = min(5.0, lost_after() / 4)
    work = threading.Thread(
        target=_run,
        args=(app, recorder, event.id, data, actor, history_actor, interval),
        name=f"import-{phase}-{job.id[:6]}",
        daemon=True,
    )
    work.start()
    return job


def remember_job(job_id: str, *, event_slug: str) -> None:
    """Let this session see the job: one it started, or the import of an upload it holds (a
    second click on Import whose first answer the browser dropped)."""
    jobs: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
    jobs[job_id] = event_slug
    while len(jobs) > MAX_JOBS:
        jobs.pop(next(iter(jobs)))
    session[SESSION_KEY] = jobs


def new_job_id() -> str:
    """A fresh, unguessable job id."""
    return secrets.token_urlsafe(24)


def find_job(job_id: str, *, event_slug: str, user_id: int) -> Job | None:
    """This session's job of that event and user, as last written; None for anyone else's."""
    if not _JOB_ID.match(job_id) or (session.get(SESSION_KEY) or {}).get(job_id) != event_slug:
        return None
    try:
        text = (upload_folder() / f"{job_id}.job.json").read_text(encoding="utf-8")
        job = Job(**json.loads(text))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    if job.id != job_id or job.event_slug != event_slug or job.user_id != user_id:
        return None
    return job


def claim_upload(token: str, job_id: str) -> str | None:
    """Mark the upload ``token`` as being imported by ``job_id``; None if this is the first
    claim, else the job id (or "" for an import run in a request) that claimed it before."""
    path = upload_folder() / f"{token}.claim"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""
    with os.fdopen(descriptor, "w", encoding="utf-8") as claim:
        claim.write(job_id)
    return None


class _Recorder:
    """Writes a job's file: on progress at most every ``WRITE_EVERY_SECONDS``, on each
    heartbeat, and at the end; one lock keeps the writers of the two threads in turn."""

    def __init__(self, path: Path, job: Job) -> None:
        self.path = path
        self.job = job
        self._lock = threading.Lock()
        self._written = 0.0

    def write(self) -> None:
        with self._lock:
            self.job.heartbeat = time.time()
            partial = self.path.with_suffix(f".{threading.get_ident()}.tmp")
            partial.write_text(json.dumps(asdict(self.job)), encoding="utf-8")
            os.replace(partial, self.path)
            self._written = time.monotonic()

    def progress(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        if time.monotonic() - self._written >= WRITE_EVERY_SECONDS:
            self.write()

    def finish(
        self,
        state: State,
        plan: ImportPlan | None,
        problems: list[dict[str, str]],
        *,
        failure: Failure = "",
    ) -> None:
        job = self.job
        job.state, job.problems, job.failure = state, problems, failure
        job.seconds = time.time() - job.started
        if plan is not None:
            job.done = job.total = len(plan.rows)
            job.rows = kept_rows(plan)
            job.ignored_headers = plan.ignored_headers
        self.write()


def _run(
    app: Flask,
    recorder: _Recorder,
    event_id: int,
    data: bytes,
    actor: Actor,
    history_actor: str,
    interval: float,
) -> None:
    stop = threading.Event()
    beating = threading.Thread(target=_beat, args=(recorder, stop, interval), daemon=True)
    beating.start()
    job = recorder.job
    try:
        with app.app_context():
            _work(recorder, event_id, data, actor, history_actor)
    except Exception:
        _log.exception("import job %s failed", job.id)
        recorder.finish("failed", None, [], failure="unexpected error")
    finally:
        stop.set()
        previewed_well = job.phase == "preview" and job.state == "done" and job.plan().ok
        if not previewed_well:
            # Nothing (more) can be imported from this upload: it was imported, or is wrong.
            (recorder.path.parent / f"{job.upload}.csv").unlink(missing_ok=True)


def _work(
    recorder: _Recorder, event_id: int, data: bytes, actor: Actor, history_actor: str
) -> None:
    job = recorder.job
    save = job.phase == "import"
    db = get_store().session()
    set_actor(db, actor)
    try:
        event = db.get(Event, event_id)
        if event is None:
            recorder.finish("refused", None, [], failure="event deleted")
            return
        try:
            plan = plan_csv_import(
                db, event, job.kind, data, save=save, actor=history_actor,
                progress=recorder.progress,
            )  # fmt: skip
        except ValidationError as error:
            db.rollback()
            recorder.finish("refused", None, [kept_problem(p) for p in error.problems])
            return
        if save:
            # Committed before anyone is told it is done; until here nothing is saved.
            db.commit()
        else:
            db.rollback()
    finally:
        db.close()
    recorder.finish("done", plan, [])


def _beat(recorder: _Recorder, stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        recorder.write()
