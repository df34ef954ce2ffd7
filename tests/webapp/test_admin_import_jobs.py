"""Large imports on the web: previewed and imported by a thread of the app, on a page that shows
the progress and reloads itself until the outcome is there.

The thread needs a database of its own connections, so these tests run the app on a real
database (a SQLite file, or a database on the PostgreSQL server when the suite runs there) that
they commit to; each test works on an event of its own. The threshold for the background is
lowered so that a file of a couple of hundred rows takes that path quickly.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from confkit import clock, migrate, services
from confkit.db import Store, make_engine
from confkit.imports.csv_table import MAX_ROWS
from confkit.models import AuditEntry, Event, ProgrammeSession, Registration
from confkit.services.accounts import create_user
from tests.databases import scratch_database
from tests.factories import FIXED_NOW
from tests.webapp.test_admin_auth import PASSWORD, log_in
from tests.webapp.test_registration_pages import csrf_token, text, words
from webapp import create_app
from webapp.admin import import_jobs
from webapp.admin.import_jobs import BACKGROUND_LINES_CONFIG, LOST_AFTER_CONFIG

BACKGROUND_LINES = 20
ROWS = 150
_events = iter(range(1_000_000))


@pytest.fixture(scope="module")
def file_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A migrated database that the app commits to, shared by this module's tests."""
    with scratch_database(tmp_path_factory.mktemp("jobs"), "jobs") as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        try:
            yield Store(engine)
        finally:
            engine.dispose()


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)


@pytest.fixture
def live_app(file_store: Store) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing",
            "CONFKIT_STORE": file_store,
            BACKGROUND_LINES_CONFIG: BACKGROUND_LINES,
            LOST_AFTER_CONFIG: 5.0,
        }
    )


@pytest.fixture
def event_slug(file_store: Store) -> str:
    """A new event with a room, its organiser ``<slug>@example.org`` and a check-in account."""
    slug = f"jobs-{next(_events)}"
    with file_store.transaction() as db:
        event = services.create_event(
            db,
            slug=slug,
            name="Large imports",
            timezone="Asia/Baku",
            starts_on=date(2024, 11, 25),
            ends_on=date(2024, 11, 26),
            now=FIXED_NOW,
        )
        services.update_event(db, event, capacity=ROWS - 10, waitlist_enabled=True)
        for n in range(10):
            services.add_room(db, event, slug=f"hall-{n}", name=f"Hall {n}")
        create_user(db, f"{slug}@example.org", PASSWORD, role="organiser", event=event)
        create_user(db, f"second-{slug}@example.org", PASSWORD, role="organiser", event=event)
        create_user(db, f"door-{slug}@example.org", PASSWORD, role="checkin", event=event)
        other = services.create_event(
            db,
            slug=f"other-{slug}",
            name="Another event",
            timezone="Asia/Baku",
            starts_on=date(2024, 11, 25),
            ends_on=date(2024, 11, 26),
            now=FIXED_NOW,
        )
        create_user(db, f"other-{slug}@example.org", PASSWORD, role="organiser", event=other)
    return slug


@pytest.fixture
def organiser(live_app: Flask, event_slug: str) -> FlaskClient:
    client = live_app.test_client()
    assert log_in(client, f"{event_slug}@example.org").status_code == 303
    return client


def attendees(rows: int = ROWS) -> str:
    lines = "".join(f"Given{n},Family{n},person{n}@example.org\n" for n in range(rows))
    return "given name,family name,email\n" + lines


def sessions(rows: int = ROWS) -> str:
    """Sessions in ten halls, each in a slot of its own: no clash."""
    lines = "".join(
        f"Talk {n},2024-11-2{5 + n // 100},{8 + n % 100 // 10:02d}:00,"
        f"{8 + n % 100 // 10:02d}:50,Hall {n % 10},Speaker {n} <speaker{n}@example.org>\n"
        for n in range(rows)
    )
    return "title,date,start,end,room,speakers\n" + lines


def upload(client: FlaskClient, slug: str, kind: str, content: str) -> TestResponse:
    form: dict[str, object] = {
        "kind": kind,
        "file": FileStorage(io.BytesIO(content.encode()), filename="big.csv"),
        "csrf_token": csrf_token(client, f"/admin/events/{slug}/import"),
    }
    boundary, body = encode_multipart(form)
    return client.post(
        f"/admin/events/{slug}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def job_path(response: TestResponse, slug: str) -> str:
    assert response.status_code == 303, text(response)
    location = response.headers["Location"]
    assert re.fullmatch(rf"/admin/events/{slug}/import/jobs/[A-Za-z0-9_-]{{32}}", location)
    return location


def is_running(page: TestResponse) -> bool:
    return '<meta http-equiv="refresh" content="2">' in text(page)


def wait_for(client: FlaskClient, path: str, timeout: float = 60.0) -> TestResponse:
    """The job's page once it no longer reloads itself; every page before it shows progress."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(path)
        assert page.status_code == 200, text(page)
        if not is_running(page):
            return page
        assert "<progress" in text(page)
        assert time.monotonic() < deadline, words(page)
        time.sleep(0.1)


def confirm_fields(page: TestResponse) -> dict[str, str]:
    html = text(page)
    form = html[html.index('class="import-confirm"') :]
    return dict(re.findall(r'name="(csrf_token|kind|upload)"[^>]*?value="([^"]*)"', form))


def count(store: Store, model: type[Any], slug: str) -> int:
    with store.session() as db:
        event = db.scalars(select(Event).where(Event.slug == slug)).one()
        column = model.event_id
        return db.scalar(select(func.count()).select_from(model).where(column == event.id)) or 0


class WorkerKilled(BaseException):
    """Ends a job's thread as a killed worker would: past every handler, with no outcome."""


class Gate:
    """Holds a job at a given row until released, so a test sees it running."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at_row: int) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self.stop_thread = False
        real = import_jobs.plan_csv_import

        def gated(*args: Any, progress: Callable[[int, int], None], **options: Any) -> Any:
            def held(done: int, total: int) -> None:
                progress(done, total)
                if done == at_row:
                    self.reached.set()
                    assert self.release.wait(30)
                    if self.stop_thread:
                        # What a worker killed mid-job leaves: no outcome, no more heartbeats.
                        raise WorkerKilled

            return real(*args, progress=held, **options)

        monkeypatch.setattr(import_jobs, "plan_csv_import", gated)


def test_a_large_attendees_file_is_previewed_then_imported_in_the_background(
    organiser: FlaskClient, event_slug: str, file_store: Store, instance_path: Path
) -> None:
    job = job_path(upload(organiser, event_slug, "attendees-csv", attendees()), event_slug)

    preview = wait_for(organiser, job)

    shown = words(preview)
    assert f"{ROWS} rows checked" in shown
    assert "Given149 Family149, person149@example.org, delegate, waitlisted" in shown
    assert "goes to the waiting list: all 140 seats are taken" in shown
    assert count(file_store, Registration, event_slug) == 0
    fields = confirm_fields(preview)
    assert set(fields) == {"csrf_token", "kind", "upload"}

    # Without its CSRF token the Import button does nothing.
    refused = organiser.post(
        f"/admin/events/{event_slug}/import/confirm",
        data={k: v for k, v in fields.items() if k != "csrf_token"},
    )
    assert refused.status_code == 400

    import_job = job_path(
        organiser.post(f"/admin/events/{event_slug}/import/confirm", data=fields), event_slug
    )
    assert import_job != job
    # A second click on Import follows the import already running; it starts no other.
    again = organiser.post(f"/admin/events/{event_slug}/import/confirm", data=fields)
    assert again.status_code in (303, 400)
    if again.status_code == 303:
        assert again.headers["Location"] == import_job

    done = wait_for(organiser, import_job)

    assert f"{ROWS} rows imported; added {ROWS} persons, {ROWS} registrations" in words(done)
    assert count(file_store, Registration, event_slug) == ROWS
    with file_store.session() as db:
        actors = set(db.scalars(select(AuditEntry.actor).where(AuditEntry.entity_type == "person")))
    # The audit log names the user who imported, as for a change made in a request.
    assert actors == {f"user:{event_slug}@example.org"}
    # Nothing of the upload is left to import again.
    assert (
        organiser.post(f"/admin/events/{event_slug}/import/confirm", data=fields).status_code == 400
    )
    assert count(file_store, Registration, event_slug) == ROWS
    assert not list((instance_path / "imports").glob("*.csv"))


def test_the_page_of_a_running_job_shows_its_progress_and_reloads_itself(
    organiser: FlaskClient, event_slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch, at_row=40)
    job = job_path(upload(organiser, event_slug, "sessions-csv", sessions()), event_slug)
    assert gate.reached.wait(30)
    try:
        deadline = time.monotonic() + 10
        while "Row 40 of 150" not in words(page := organiser.get(job)):
            assert time.monotonic() < deadline, words(page)
            time.sleep(0.1)
        assert page.status_code == 200
        assert is_running(page)
        assert '<progress id="import-progress" max="150" value="40">' in text(page)
    finally:
        gate.release.set()

    preview = wait_for(organiser, job)
    assert f"{ROWS} rows checked" in words(preview)
    assert 'class="import-confirm"' in text(preview)


# The killed thread's exception is the point of the test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_job_whose_worker_died_is_reported_lost_and_saved_nothing(
    organiser: FlaskClient,
    live_app: Flask,
    event_slug: str,
    file_store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = job_path(upload(organiser, event_slug, "sessions-csv", sessions()), event_slug)
    fields = confirm_fields(wait_for(organiser, job))
    gate = Gate(monkeypatch, at_row=100)
    import_job = job_path(
        organiser.post(f"/admin/events/{event_slug}/import/confirm", data=fields), event_slug
    )
    assert gate.reached.wait(30)
    # The heartbeat carries the row reached while the row is held.
    deadline = time.monotonic() + 10
    while "Row 100 of 150" not in words(page := organiser.get(import_job)):
        assert time.monotonic() < deadline, words(page)
        time.sleep(0.1)
    gate.stop_thread = True
    gate.release.set()

    live_app.config[LOST_AFTER_CONFIG] = 0.5
    deadline = time.monotonic() + 10
    while is_running(page := organiser.get(import_job)):
        assert time.monotonic() < deadline
        time.sleep(0.2)

    assert page.status_code == 200
    assert "The import was lost at row 100 of 150" in words(page)
    assert "Nothing was saved." in words(page)
    assert count(file_store, ProgrammeSession, event_slug) == 0


def test_a_file_that_cannot_be_read_is_reported_on_the_job_page(
    organiser: FlaskClient, event_slug: str
) -> None:
    rows = "".join(f"p{n}@example.org,F{n}\n" for n in range(MAX_ROWS + 1))

    job = job_path(
        upload(organiser, event_slug, "attendees-csv", "email,family name\n" + rows), event_slug
    )
    page = wait_for(organiser, job)

    assert "Nothing was checked" in words(page)
    assert f"line {MAX_ROWS + 2}: the file has more than 50,000 rows; split it" in words(page)
    assert "Upload the file again" in words(page)


def test_a_job_is_seen_only_by_the_session_that_started_it(
    organiser: FlaskClient, live_app: Flask, event_slug: str, instance_path: Path
) -> None:
    job = job_path(upload(organiser, event_slug, "sessions-csv", sessions()), event_slug)
    wait_for(organiser, job)
    job_id = job.rsplit("/", 1)[1]

    # Another organiser of the same event, and the same organiser in another browser.
    for email in (f"second-{event_slug}@example.org", f"{event_slug}@example.org"):
        other = live_app.test_client()
        log_in(other, email)
        assert other.get(job).status_code == 404
    # Not under another event's address, nor with a made-up id, nor once the file is gone.
    assert organiser.get(f"/admin/events/{event_slug}/import/jobs/{'A' * 32}").status_code == 404
    assert organiser.get(f"/admin/events/{event_slug}/import/jobs/x").status_code == 404
    job_file = instance_path / "imports" / f"{job_id}.job.json"
    saved = json.loads(job_file.read_text())
    job_file.write_text(json.dumps(saved | {"user_id": saved["user_id"] + 1000}))
    assert organiser.get(job).status_code == 404
    job_file.write_text("{not json")
    assert organiser.get(job).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("door", 403), ("other", 403)])
def test_the_job_page_is_for_the_events_organisers(
    live_app: Flask, event_slug: str, who: str, status: int
) -> None:
    client = live_app.test_client()
    if who != "anonymous":
        assert log_in(client, f"{who}-{event_slug}@example.org").status_code == 303

    response = client.get(f"/admin/events/{event_slug}/import/jobs/{'A' * 32}")

    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/admin/login?next=")
