"""The organisers' registration pages read in the chosen language.

Each page of the registrations, imports, audit log, dashboard, badges and announcements is shown
in Russian over data with Cyrillic names, and must leave no English of its own: every Latin word
left is the test's data or a word every language writes the same way. A form error and a
status message are read in Azerbaijani.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import ValidationError, clock, services
from confkit.models import Event, Registration, User
from confkit.transfer import plan_csv_import
from tests.factories import FIXED_NOW
from tests.webapp.page_words import english_left
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, text, words
from webapp.admin import import_jobs, registration_forms
from webapp.admin.import_jobs import Job, kept_problem, kept_rows
from webapp.admin.import_uploads import FOLDER_NAME
from webapp.i18n import LANGUAGES

ORGANISER = "aysel@example.org"
ADMIN = "admin@example.org"
SLUG = "forum"
EVENT_NAME = "Бакинский энергетический форум"
MINISTRY = "Министерство энергетики"
QUESTION = "Особое питание"
ANSWER = "Вегетарианское"
DELEGATION = "Делегация Грузии"
SUBJECT = "Смена зала"
BODY = "Пленарное заседание переносится в зал Низами."
# Written the same way on every page whatever the language: the language switcher's names in
# their own languages, the product, the event's zone and short name, and the accounts; and
# Russian's own word for a QR code, Latin letters and all.
EVERY_PAGE = [*LANGUAGES.values(), "confkit", "Asia/Baku", SLUG, ORGANISER, ADMIN, "QR-код"]
# What a CSV file and a command are made of: typed as they are in any language.
FILE_FORMAT = [
    "title", "start", "end", "date", "kind", "room", "track", "status", "visibility", "language",
    "abstract", "capacity", "expected audience", "speakers", "chairs", "moderators",
    "panellists", "participants", "email", "family name", "given name", "honorific",
    "organisation kind", "organisation", "country", "position", "category", "confirmed",
    "waitlisted", "awaiting approval", "rejected", "cancelled", "delegation",
    "confkit import sessions-csv|attendees-csv", "confkit mail send", "UTF-8", "Excel",
]  # fmt: skip
PEOPLE = [
    ("Айсель", "Мамедова", "aysel.m@example.org"),
    ("Руслан", "Алиев", "ruslan@example.org"),
    ("Нино", "Бабаева", "nino@example.org"),
]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(db: DbSession, open_event_for_registration: Callable[..., Event]) -> Event:
    event = open_event_for_registration(capacity=2, slug=SLUG, name=EVENT_NAME)
    services.add_question(db, event, key="diet", label=QUESTION, kind="short_text")
    db.flush()
    return event


@pytest.fixture
def attendees(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> list[Registration]:
    """Two seated and one on the waiting list, all from a ministry; the event has a delegation."""
    ministry = services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    db.flush()
    registrations = [
        make_registration(
            forum,
            given_name=given,
            family_name=family,
            email=email,
            organisation_id=ministry.id,
            answers={"diet": ANSWER},
        )
        for given, family, email in PEOPLE
    ]
    services.create_delegation(db, forum, name=DELEGATION, members=[registrations[0].person])
    db.flush()
    return registrations


@pytest.fixture
def organiser_account(db: DbSession, forum: Event) -> User:
    return account(db, ORGANISER, "organiser", forum)


@pytest.fixture
def organiser(client: FlaskClient, organiser_account: User) -> FlaskClient:
    assert log_in(client, ORGANISER).status_code == 303
    return client


def english_of(response: TestResponse, *content: str | Iterable[str]) -> list[str]:
    """The English left on the page once the test's data is taken out."""
    values = [EVERY_PAGE, EVENT_NAME, MINISTRY, QUESTION, ANSWER, DELEGATION, SUBJECT, BODY]
    for person in PEOPLE:
        values.append(list(person))
    values.extend(content)
    flat = [v for value in values for v in ([value] if isinstance(value, str) else value)]
    return english_left(text(response), content=flat)


def path(page: str, query: str = "") -> str:
    return f"/admin/events/{SLUG}/{page}?lang=ru{query}"


def registration_path(registration: Registration) -> str:
    return path(f"registrations/{registration.id}")


# The registrations


def test_the_list_reads_in_russian(
    organiser: FlaskClient, attendees: list[Registration], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registration_forms, "REGISTRATIONS_PER_PAGE", 2)

    first = organiser.get(path("registrations"))
    past_the_last = organiser.get(path("registrations", "&page=9"))

    assert first.status_code == past_the_last.status_code == 200
    assert "Страница 1 из 2 (3 регистрации)." in words(first)
    assert english_of(first) == []
    assert english_of(past_the_last) == []


def test_the_detail_and_its_history_read_in_russian(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    waiting = attendees[2]

    response = organiser.get(registration_path(waiting))

    assert response.status_code == 200
    assert "участник подтверждение Не подтверждена → В листе ожидания" in words(response)
    assert english_of(response) == []


def test_an_action_and_its_outcome_read_in_russian(
    organiser: FlaskClient, db: DbSession, attendees: list[Registration]
) -> None:
    seated, _, waiting = attendees
    organiser.get(path("registrations"))

    response = organiser.post(
        f"/admin/events/{SLUG}/registrations/actions",
        data={
            "csrf_token": csrf_token(organiser, path("registrations")),
            "action": "cancel",
            "registration_ids": [str(seated.id)],
            "back": path("registrations"),
        },
    )
    history = organiser.get(registration_path(seated))

    assert response.status_code == 200
    assert "Отменить: выполнено для 1 регистрации." in words(response)
    assert english_of(response) == []
    assert f"организатор: {ORGANISER} отмена Подтверждена → Отменена" in words(history)
    assert english_of(history) == []


def register_by_hand(organiser: FlaskClient, **fields: str) -> TestResponse:
    """Ilgar Agayev registered as a speaker by the organiser, with ``fields`` added."""
    return organiser.post(
        path("registrations/new"),
        data={
            "csrf_token": csrf_token(organiser, path("registrations/new")),
            "given_name": "Ильгар",
            "family_name": "Агаев",
            "category": "speaker",
            **fields,
        },
    )


def test_registering_someone_by_hand_reads_in_russian(organiser: FlaskClient, forum: Event) -> None:
    form = organiser.get(path("registrations/new"))
    refused = register_by_hand(organiser, organisation="<script>")

    assert form.status_code == 200
    assert "Азербайджан" in words(form)
    assert refused.status_code == 400
    assert "Регистрация не сохранена." in words(refused)
    assert english_of(form) == []
    assert english_of(refused, "Ильгар", "Агаев") == []


def test_a_form_error_reads_in_azerbaijani(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    organiser.get(path("registrations").replace("lang=ru", "lang=az"))

    response = organiser.post(
        f"/admin/events/{SLUG}/registrations/actions",
        data={
            "csrf_token": csrf_token(organiser, f"/admin/events/{SLUG}/registrations"),
            "action": "approve",
        },
    )

    assert response.status_code == 400
    assert "Heç nə dəyişdirilmədi: Ən azı bir qeydiyyat seçin." in words(response)


# Imports


ATTENDEES_FILE = (
    "email,family name,given name,organisation\n"
    f"leyla@example.org,Гусейнова,Лейла,{MINISTRY}\n"
    f"murad@example.org,Гасанов,Мурад,{MINISTRY}\n"
).encode()
FILENAME = "участники.csv"


def test_the_upload_preview_and_outcome_read_in_russian(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    db.flush()
    data = (FILENAME, "leyla@example.org", "murad@example.org", MINISTRY)

    upload = organiser.get(path("import"))
    preview = organiser.post(
        path("import"),
        data={
            "csrf_token": csrf_token(organiser, path("import")),
            "kind": "attendees-csv",
            "file": (io.BytesIO(ATTENDEES_FILE), FILENAME),
        },
        content_type="multipart/form-data",
    )
    done = organiser.post(
        path("import/confirm"),
        data={
            "csrf_token": csrf_token(organiser, path("import")),
            "kind": "attendees-csv",
            "upload": hidden_value(preview, "upload"),
        },
    )

    assert upload.status_code == preview.status_code == done.status_code == 200
    assert english_of(upload, FILE_FORMAT) == []
    assert "2 строки проверены" in words(preview)
    assert "делегат, подтверждена" in words(preview)
    assert english_of(preview, data) == []
    assert "добавлено: 2 человека, 2 регистрации." in words(done)
    assert english_of(done, FILENAME) == []


@pytest.mark.parametrize(
    ("phase", "state", "failure", "expected"),
    [
        ("preview", "running", "", "Строка 40 из 150"),
        ("import", "running", "", "Строка 40 из 150"),
        ("import", "failed", "unexpected error", "Работа прервана непредвиденной ошибкой."),
        ("preview", "refused", "event deleted", "Тем временем мероприятие было удалено."),
    ],
)
def test_a_background_jobs_page_reads_in_russian(
    organiser: FlaskClient,
    organiser_account: User,
    instance_path: Path,
    phase: import_jobs.Phase,
    state: import_jobs.State,
    failure: import_jobs.Failure,
    expected: str,
) -> None:
    # The page is drawn from the job's file, as any of the app's processes would draw it.
    job = Job(
        id="J" * 32,
        phase=phase,
        event_slug=SLUG,
        kind="attendees-csv",
        filename=FILENAME,
        upload="U" * 32,
        user_id=organiser_account.id,
        state=state,
        done=40,
        total=150,
        heartbeat=time.time(),
        failure=failure,
    )
    folder = instance_path / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.id}.job.json").write_text(json.dumps(asdict(job)), encoding="utf-8")
    with organiser.session_transaction() as session:
        session[import_jobs.SESSION_KEY] = {job.id: SLUG}

    response = organiser.get(path(f"import/jobs/{job.id}"))

    assert response.status_code == 200
    assert expected in words(response)
    assert english_of(response, FILENAME) == []


BAD_ROW = "adres-deyil,Алиев,Али,\n"


def test_a_finished_background_preview_reads_in_russian(
    organiser: FlaskClient,
    organiser_account: User,
    instance_path: Path,
    db: DbSession,
    forum: Event,
) -> None:
    services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    db.flush()
    plan = plan_csv_import(
        db, forum, "attendees-csv", ATTENDEES_FILE + BAD_ROW.encode(), save=False
    )
    job = finished_job(organiser_account, state="done", rows=kept_rows(plan))

    response = show_job(organiser, instance_path, job)

    assert response.status_code == 200
    shown = words(response)
    assert "Лейла Гусейнова, leyla@example.org, делегат, подтверждена" in shown
    assert "email «adres-deyil»:" in shown
    # The file's column names are typed as they are in any language.
    data = (FILENAME, "leyla@example.org", "murad@example.org", "adres-deyil")
    assert english_of(response, data, FILE_FORMAT) == []


def test_a_refused_background_job_names_the_lines_in_russian(
    organiser: FlaskClient,
    organiser_account: User,
    instance_path: Path,
    db: DbSession,
    forum: Event,
) -> None:
    with pytest.raises(ValidationError) as refused:
        plan_csv_import(db, forum, "attendees-csv", b"email\nx@example.org\n", save=False)
    problems = [kept_problem(problem) for problem in refused.value.problems]
    job = finished_job(organiser_account, state="refused", problems=problems)

    response = show_job(organiser, instance_path, job)

    assert "Ничего не проверено: строка 1: в файле нет столбца" in words(response)
    assert english_of(response, FILENAME, FILE_FORMAT) == []


def test_a_job_file_written_in_english_only_still_shows(
    organiser: FlaskClient, organiser_account: User, instance_path: Path
) -> None:
    # Written before the reports were kept in every language: plain English text.
    row = {"line": 2, "summary": "Ann Lee, ann@example.org", "problems": [], "notes": ["as is"]}
    job = finished_job(organiser_account, state="done", rows=[{**row, "created": {}}])

    response = show_job(organiser, instance_path, job)

    assert response.status_code == 200
    assert "Ann Lee, ann@example.org" in words(response)
    assert "as is" in words(response)


def finished_job(account: User, **outcome: Any) -> Job:
    return Job(
        id="J" * 32,
        phase="preview",
        event_slug=SLUG,
        kind="attendees-csv",
        filename=FILENAME,
        upload="U" * 32,
        user_id=account.id,
        heartbeat=time.time(),
        **outcome,
    )


def show_job(organiser: FlaskClient, instance_path: Path, job: Job) -> TestResponse:
    """The job's page, drawn from its file as any of the app's processes would draw it."""
    folder = instance_path / FOLDER_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.id}.job.json").write_text(json.dumps(asdict(job)), encoding="utf-8")
    with organiser.session_transaction() as session:
        session[import_jobs.SESSION_KEY] = {job.id: SLUG}
    return organiser.get(path(f"import/jobs/{job.id}"))


def hidden_value(response: TestResponse, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', text(response))
    assert found is not None, text(response)
    return found.group(1)


# The audit log


def test_the_events_audit_log_reads_in_russian(
    organiser: FlaskClient, db: DbSession, forum: Event, attendees: list[Registration]
) -> None:
    services.update_event(db, forum, capacity=25)
    db.flush()

    changes_of_the_event = organiser.get(path("audit", "&type=event"))
    registrations = organiser.get(path("audit", "&type=registration"))

    assert changes_of_the_event.status_code == registrations.status_code == 200
    assert "вместимость 2 → 25" in words(changes_of_the_event)
    assert english_of(changes_of_the_event) == []
    assert "подтверждение статус Не подтверждена → Подтверждена" in words(registrations)
    assert english_of(registrations) == []


def test_everyones_audit_log_reads_in_russian(
    client: FlaskClient, db: DbSession, attendees: list[Registration]
) -> None:
    account(db, ADMIN, "admin")
    log_in(client, ADMIN)

    response = client.get("/admin/audit?lang=ru&type=person")

    assert response.status_code == 200
    assert "Человек #" in words(response)
    assert english_of(response) == []


# The dashboard, badges and announcements


def test_the_dashboard_reads_in_russian(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    response = organiser.get(path("dashboard"))

    assert response.status_code == 200
    assert "Азербайджан 3" in words(response)
    assert english_of(response) == []


def test_the_badge_pages_read_in_russian(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    by_filters = organiser.get(path("badges"))
    chosen = organiser.post(
        path("badges"),
        data={
            "csrf_token": csrf_token(organiser, path("registrations")),
            "registration_ids": [str(r.id) for r in attendees],
        },
    )

    assert by_filters.status_code == chosen.status_code == 200
    assert "К печати: 2 бейджа." in words(chosen)
    assert english_of(by_filters) == []
    assert english_of(chosen) == []


def test_an_announcement_reads_in_russian_until_it_is_sent(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    compose = organiser.get(path("announcements"))
    preview = organiser.post(
        path("announcements"),
        data={
            "csrf_token": csrf_token(organiser, path("announcements")),
            "status": "confirmed",
            "subject": SUBJECT,
            "body": BODY,
        },
    )

    assert compose.status_code == preview.status_code == 200
    assert "Это сообщение получат 2 человека:" in words(preview)
    assert english_of(compose) == []
    assert english_of(preview) == []


def test_the_sent_announcement_is_reported_in_azerbaijani(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    compose = path("announcements").replace("lang=ru", "lang=az")

    response = organiser.post(
        compose,
        data={
            "csrf_token": csrf_token(organiser, compose),
            "status": "confirmed",
            "subject": SUBJECT,
            "body": BODY,
            "send": "yes",
        },
    )

    assert response.status_code == 200
    assert "2 məktub növbəyə qoyuldu; onları confkit mail send göndərir." in words(response)


def test_confkit_refusing_someone_registered_by_hand_says_why_in_russian(
    organiser: FlaskClient, forum: Event
) -> None:
    refused = register_by_hand(organiser, email="ильгар-без-домена")

    assert refused.status_code == 400
    assert english_of(refused, "Ильгар", "Агаев", "ильгар-без-домена") == []


def test_a_refused_action_says_why_in_russian(
    organiser: FlaskClient, attendees: list[Registration]
) -> None:
    seated = attendees[0]  # confirmed: there is nothing to approve
    organiser.get(path("registrations"))

    response = organiser.post(
        f"/admin/events/{SLUG}/registrations/actions",
        data={
            "csrf_token": csrf_token(organiser, path("registrations")),
            "action": "approve",
            "registration_ids": [str(seated.id)],
            "back": path("registrations"),
        },
    )

    assert response.status_code == 200
    assert english_of(response) == []
