"""The organisers' import pages: upload, a preview of every row, confirmation in one
transaction; the file confirmed is the file previewed; access for organisers and admins only."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from confkit import clock
from confkit.imports.csv_table import MAX_FILE_BYTES
from confkit.models import Event, ProgrammeSession, Registration, RegistrationStatus, Room
from tests.factories import FIXED_NOW
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, text, words

ORGANISER = "aysel@example.org"
SESSIONS = "title,date,start,end,room\nOpening,2024-11-26,09:00,10:00,Hall A\n"
ATTENDEES = "Given name;Family name;Email\nAnn;Lee;ann@example.org\nBo;Chen;bo@example.org\n"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(
    open_event_for_registration: Callable[..., Event], make_room: Callable[..., Room]
) -> Event:
    event = open_event_for_registration(capacity=1, slug="forum", name="Baku energy forum")
    make_room(event, slug="hall-a", name="Hall A")
    return event


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


@pytest.fixture
def client_factory(app: Flask) -> Callable[[], FlaskClient]:
    """Another browser: a client with its own cookies."""
    return app.test_client


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def upload(
    client: FlaskClient,
    kind: str,
    content: bytes | str,
    *,
    token: str | bool | None = None,
    filename: str = "file.csv",
) -> TestResponse:
    data = content.encode() if isinstance(content, str) else content
    file = FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv")
    form: dict[str, object] = {"kind": kind, "file": file}
    if token is not False:
        form["csrf_token"] = str(token or csrf_token(client, "/admin/events/forum/import"))
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(form)
    return client.post(
        "/admin/events/forum/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def confirm_fields(page: TestResponse) -> dict[str, str]:
    html = text(page)
    form = html[html.index('class="import-confirm"') :]
    fields = dict(re.findall(r'name="(csrf_token|kind|upload)"[^>]*?value="([^"]*)"', form))
    assert set(fields) == {"csrf_token", "kind", "upload"}, form
    return fields


def confirm(client: FlaskClient, fields: dict[str, str]) -> TestResponse:
    return client.post("/admin/events/forum/import/confirm", data=fields)


def test_sessions_upload_preview_and_confirm(
    organiser: FlaskClient, db: DbSession, forum: Event, instance_path: Path
) -> None:
    preview = upload(organiser, "sessions-csv", SESSIONS)

    assert preview.status_code == 200, text(preview)
    assert '"Opening", Tue 26 Nov 09:00–10:00, Hall A' in words(preview)
    assert "1 row checked" in words(preview)
    assert count(db, ProgrammeSession) == 0
    assert len(list((instance_path / "imports").iterdir())) == 1

    done = confirm(organiser, confirm_fields(preview))

    assert done.status_code == 200, text(done)
    assert "1 row imported; added 1 session." in words(done)
    (created,) = db.scalars(select(ProgrammeSession)).all()
    assert created.title == "Opening"
    # The file is gone; its claim stays, so a request that read it first cannot import it again.
    assert [p.suffix for p in (instance_path / "imports").iterdir()] == [".claim"]


def test_attendees_preview_shows_the_waiting_list_and_confirm_saves(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    preview = upload(organiser, "attendees-csv", "\ufeff" + ATTENDEES.replace("\n", "\r\n"))

    assert preview.status_code == 200, text(preview)
    assert "goes to the waiting list: all 1 seats are taken" in words(preview)
    assert count(db, Registration) == 0

    assert confirm(organiser, confirm_fields(preview)).status_code == 200
    statuses = db.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert db.scalars(select(Registration)).first().changes[0].actor == f"organiser:{ORGANISER}"


def test_bad_rows_are_listed_with_their_lines_and_cannot_be_confirmed(
    organiser: FlaskClient, db: DbSession, forum: Event, instance_path: Path
) -> None:
    bad = SESSIONS + "Lost,2024-11-26,11:00,12:00,Hall Z\nClash,2024-11-26,09:30,10:30,Hall A\n"

    preview = upload(organiser, "sessions-csv", bad)

    assert preview.status_code == 400
    shown = words(preview)
    assert "3 rows checked" in shown
    assert "2 with problems" in shown
    assert 'room "Hall Z" does not exist' in shown
    assert 'overlaps "Opening" (26 Nov 09:00–10:00) (line 2)' in shown
    assert 'class="import-confirm"' not in text(preview)
    assert not (instance_path / "imports").exists() or not list(
        (instance_path / "imports").iterdir()
    )
    assert count(db, ProgrammeSession) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Café;x\n".encode("cp1252"), "is not UTF-8 text"),
        ("Name,From\nA,B\n", 'the file has no column "title", "end"'),
        (b"", "file: is empty"),
    ],
)
def test_files_that_cannot_be_read_re_render_the_form_with_the_reason(
    organiser: FlaskClient, content: bytes | str, message: str
) -> None:
    response = upload(organiser, "sessions-csv", content)

    assert response.status_code == 400
    assert message in words(response)
    assert 'enctype="multipart/form-data"' in text(response)


def test_an_oversized_file_is_refused_with_a_clear_message(
    organiser: FlaskClient, db: DbSession
) -> None:
    # Just over the limit (read and measured), and far over it (refused while the body is read).
    for extra in (1, 200 * 1024):
        response = upload(organiser, "sessions-csv", SESSIONS + "x" * (MAX_FILE_BYTES + extra))

        assert response.status_code == 413
        assert "The file is larger than 5 MB: split it into several files." in words(response)
    assert count(db, ProgrammeSession) == 0


def test_no_file_or_an_unknown_kind_re_renders_the_form(organiser: FlaskClient) -> None:
    token = csrf_token(organiser, "/admin/events/forum/import")
    no_file = organiser.post(
        "/admin/events/forum/import", data={"csrf_token": token, "kind": "sessions-csv"}
    )
    assert no_file.status_code == 400
    assert "Choose a CSV file to upload." in words(no_file)

    odd_kind = upload(organiser, "pdf", SESSIONS)
    assert odd_kind.status_code == 400
    assert "Not a valid choice" in words(odd_kind)


def test_upload_and_confirm_without_csrf_are_refused(organiser: FlaskClient, db: DbSession) -> None:
    refused = upload(organiser, "sessions-csv", SESSIONS, token=False)
    assert refused.status_code == 400
    assert "The page was open too long" in words(refused)

    fields = confirm_fields(upload(organiser, "sessions-csv", SESSIONS))
    del fields["csrf_token"]
    assert confirm(organiser, fields).status_code == 400
    assert count(db, ProgrammeSession) == 0


def test_only_the_file_previewed_in_this_session_can_be_confirmed(
    organiser: FlaskClient,
    client_factory: Callable[[], FlaskClient],
    db: DbSession,
    forum: Event,
    instance_path: Path,
) -> None:
    fields = confirm_fields(upload(organiser, "sessions-csv", SESSIONS))

    # A made-up token, the other kind, and a file changed on disk are all refused.
    for changed in ({"upload": "A" * 32}, {"kind": "attendees-csv"}):
        refused = confirm(organiser, fields | changed)
        assert refused.status_code == 400
        assert "This preview is no longer available" in words(refused)
    kept = instance_path / "imports" / f"{fields['upload']}.csv"
    original = kept.read_bytes()
    kept.write_bytes(original.replace(b"Opening", b"Swapped"))
    assert confirm(organiser, fields).status_code == 400
    kept.write_bytes(original)

    # Another organiser of the event, in another browser, cannot confirm it either.
    other = client_factory()
    account(db, "second@example.org", "organiser", forum)
    log_in(other, "second@example.org")
    other_fields = fields | {"csrf_token": csrf_token(other, "/admin/events/forum/import")}
    assert confirm(other, other_fields).status_code == 400
    assert count(db, ProgrammeSession) == 0

    assert confirm(organiser, fields).status_code == 200
    # Once imported, the same confirmation cannot run again.
    assert confirm(organiser, fields).status_code == 400
    assert count(db, ProgrammeSession) == 1


def test_a_change_between_preview_and_confirm_is_reported_and_nothing_saved(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    fields = confirm_fields(upload(organiser, "sessions-csv", SESSIONS))
    make_session(
        forum,
        title="Booked meanwhile",
        room=forum.rooms[0],
        starts_at=datetime.fromisoformat("2024-11-26T09:00+04:00"),
        ends_at=datetime.fromisoformat("2024-11-26T10:00+04:00"),
    )

    response = confirm(organiser, fields)

    assert response.status_code == 409
    assert 'overlaps "Booked meanwhile"' in words(response)
    assert count(db, ProgrammeSession) == 1


def test_the_front_page_links_the_import(organiser: FlaskClient) -> None:
    assert 'href="/admin/events/forum/import"' in text(organiser.get("/admin/"))


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    for response in (
        client.get("/admin/events/forum/import"),
        client.post("/admin/events/forum/import"),
        client.post("/admin/events/forum/import/confirm"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=/admin/events/forum/")


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [("checkin", True, 403), ("organiser", False, 403), ("admin", False, 200)],
)
def test_only_the_events_organisers_and_admins_may_import(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    event = None if role == "admin" else (forum if of_forum else make_event(slug="other"))
    account(db, "staff@example.org", role, event)
    log_in(client, "staff@example.org")

    assert client.get("/admin/events/forum/import").status_code == status
    posted = client.post(
        "/admin/events/forum/import",
        data={"kind": "sessions-csv", "file": (io.BytesIO(SESSIONS.encode()), "s.csv")},
        content_type="multipart/form-data",
    )
    # Refused before the form is read, CSRF token included.
    assert posted.status_code == (403 if status == 403 else 400)
    assert client.post("/admin/events/forum/import/confirm").status_code == (
        403 if status == 403 else 400
    )
    assert count(db, ProgrammeSession) == 0


def test_a_preview_being_imported_by_another_request_is_not_imported_again(
    organiser: FlaskClient, db: DbSession, instance_path: Path
) -> None:
    fields = confirm_fields(upload(organiser, "sessions-csv", SESSIONS))
    # What a first click on Import leaves while its request is still running.
    (instance_path / "imports" / f"{fields['upload']}.claim").write_text("")

    response = confirm(organiser, fields)

    assert response.status_code == 409
    assert "This file is being imported, or was imported already." in words(response)
    assert count(db, ProgrammeSession) == 0
