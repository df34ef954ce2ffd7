"""The programme grid: rooms as columns and 15-minute rows, clashes marked on both sessions,
cancelled sessions struck, the move / resize form without JavaScript, and bad days refused."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import services
from confkit.demo import load_pfp30
from confkit.models import Event, Person, ProgrammeSession, Room, SessionStatus
from tests.factories import FIXED_NOW, baku
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_admin_sessions import ORGANISER, fixed_now, form_token
from tests.webapp.test_registration_pages import text, words

__all__ = ["fixed_now"]


@pytest.fixture
def forum(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="forum", name="Baku energy forum")


@pytest.fixture
def rooms(forum: Event, make_room: Callable[..., Room]) -> tuple[Room, Room]:
    return (
        make_room(forum, slug="hall", name="Plenary Hall", capacity=200),
        make_room(forum, slug="small", name="Meeting Room", capacity=20),
    )


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def grid_path(event: Event, day: str | None = "2024-11-26") -> str:
    return f"/admin/events/{event.slug}/grid" + (f"?day={day}" if day else "")


def cell_of(response: TestResponse, programme_session: ProgrammeSession) -> str:
    """The grid cell of one session, as text."""
    page = text(response)
    found = re.search(
        rf'<td rowspan="\d+" id="session-{programme_session.uuid}".*?</td>', page, re.S
    )
    assert found is not None, f"{programme_session.title} is not in the grid"
    shown = html.unescape(re.sub(r"<[^>]*>", " ", found.group(0)))
    return " ".join(shown.replace("“", '"').replace("”", '"').split())


def move(
    client: FlaskClient,
    programme_session: ProgrammeSession,
    *,
    day: str = "2024-11-26",
    start: str,
    end: str,
    room: Room | None,
    token: bool = True,
) -> TestResponse:
    event = programme_session.event
    data = {
        "day": day,
        "start_time": start,
        "end_time": end,
        "room": str(room.id) if room else "",
        "back_day": "2024-11-26",
    }
    if token:
        data["csrf_token"] = form_token(client, grid_path(event))
    return client.post(
        f"/admin/events/{event.slug}/grid/sessions/{programme_session.uuid}/move", data=data
    )


# Who may open it


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [(None, False, 302), ("checkin", True, 403), ("organiser", False, 403), ("admin", False, 200)],
)
def test_only_the_events_organisers_and_admins_may_open_the_grid(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
    role: str | None,
    of_forum: bool,
    status: int,
) -> None:
    programme_session = make_session(forum)
    if role is not None:
        other = make_event(slug="other-event")
        event = None if role == "admin" else (forum if of_forum else other)
        account(db, "staff@example.org", role, event)
        log_in(client, "staff@example.org")

    assert client.get(grid_path(forum)).status_code == status
    moved = client.post(f"/admin/events/forum/grid/sessions/{programme_session.uuid}/move")
    assert moved.status_code == (400 if status == 200 else status)


# The demo event


def test_the_demo_events_grid_has_its_rooms_as_columns(client: FlaskClient, db: DbSession) -> None:
    event = load_pfp30(db, now=FIXED_NOW)
    account(db, "admin@example.org", "admin")
    log_in(client, "admin@example.org")

    response = client.get(grid_path(event))

    assert response.status_code == 200
    page = text(response)
    headers = re.findall(r'<th scope="col" colspan="(\d+)" data-room="\d*">([^<]+)</th>', page)
    assert [name for _, name in headers][:2] == ["Plenary Hall", "Meeting Room"]
    opening = next(s for s in event.sessions if s.title.startswith("Opening plenary"))
    # 09:30-10:30 covers four 15-minute rows.
    assert f'<td rowspan="4" id="session-{opening.uuid}"' in page
    assert "Opening plenary: 30 years of Partnership for Peace" in words(response)
    assert "Clash" not in words(response)
    assert "Tuesday 26 November 2024" in words(response)
    day_before = client.get(grid_path(event, "2024-11-25"))
    assert "Meeting with the NATO delegation" in words(day_before)


# Clashes and cancelled sessions


def test_a_room_clash_and_a_person_clash_mark_both_sessions(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    hall, small = rooms
    colonel = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    opening = make_session(
        forum, title="Opening", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10)
    )
    panel = make_session(
        forum, title="Panel", room=hall, starts_at=baku(26, 11), ends_at=baku(26, 12)
    )
    meeting = make_session(
        forum, title="Meeting", room=small, starts_at=baku(26, 13), ends_at=baku(26, 14)
    )
    services.assign_role(db, opening, colonel, "speaker")
    services.assign_role(db, meeting, colonel, "participant")
    # Clashes can reach the tables without the services, e.g. written by hand or by older data.
    panel.starts_at, panel.ends_at = baku(26, 9, 30), baku(26, 10, 30)
    meeting.starts_at, meeting.ends_at = baku(26, 9, 45), baku(26, 10, 15)
    db.flush()

    response = organiser.get(grid_path(forum))

    assert response.status_code == 200
    assert 'Clash with "Panel" (09:30–10:30): both in room "Plenary Hall"' in cell_of(
        response, opening
    )
    assert 'Clash with "Opening" (09:00–10:00): both in room "Plenary Hall"' in cell_of(
        response, panel
    )
    assert 'Clash with "Meeting" (09:45–10:15): Colonel Elchin Abdullayev is in both' in cell_of(
        response, opening
    )
    assert 'Clash with "Opening" (09:00–10:00): Colonel Elchin Abdullayev is in both' in cell_of(
        response, meeting
    )
    # The two overlapping sessions of the hall sit side by side in its column.
    assert '<th scope="col" colspan="2" data-room="' + str(hall.id) + '">Plenary Hall</th>' in text(
        response
    )


def test_cancelled_sessions_are_struck_and_sessions_without_room_get_a_column(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    cancelled = make_session(forum, title="Called off", room=rooms[0])
    services.cancel_session(db, cancelled)
    roomless = make_session(forum, title="Coffee", starts_at=baku(26, 8, 30), ends_at=baku(26, 9))
    db.flush()

    response = organiser.get(grid_path(forum))

    assert "<del>Called off</del>" in text(response)
    assert "Cancelled" in cell_of(response, cancelled)
    assert '<th scope="col" colspan="1" data-room="">No room</th>' in text(response)
    assert "08:30–09:00" in cell_of(response, roomless)


# Moving


def test_moving_by_form_moves_the_session_and_raises_its_sequence(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    hall, small = rooms
    programme_session = make_session(forum, title="Panel", room=hall)
    sequence = programme_session.sequence

    response = move(
        organiser, programme_session, day="2024-11-25", start="15:00", end="16:45", room=small
    )

    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/admin/events/forum/grid?day=2024-11-25#session-{programme_session.uuid}"
    )
    db.expire_all()
    assert (programme_session.starts_at, programme_session.ends_at) == (
        baku(25, 15),
        baku(25, 16, 45),
    )
    assert programme_session.room == small
    assert programme_session.sequence > sequence
    # 15:00-16:45 spans seven rows.
    shown = text(organiser.get(response.headers["Location"]))
    assert f'<td rowspan="7" id="session-{programme_session.uuid}"' in shown


def test_a_move_into_a_clash_shows_the_grid_again_with_the_reason_on_that_session(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    hall, small = rooms
    make_session(forum, title="Opening", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10))
    panel = make_session(
        forum, title="Panel", room=small, starts_at=baku(26, 11), ends_at=baku(26, 12)
    )

    response = move(organiser, panel, start="09:30", end="10:30", room=hall)

    assert response.status_code == 400
    cell = cell_of(response, panel)
    assert 'Clash: room "Plenary Hall": "Panel" (26 Nov 09:30–10:30) overlaps "Opening"' in cell
    assert '"Panel" was not moved' in words(response).replace("“", '"').replace("”", '"')
    db.expire_all()
    assert (panel.starts_at, panel.room) == (baku(26, 11), small)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("9 o'clock", "10:00", "Not a valid time value."),
        ("11:00", "10:00", "End must be after the start"),
    ],
)
def test_a_bad_move_is_explained_next_to_the_session(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_session: Callable[..., ProgrammeSession],
    start: str,
    end: str,
    message: str,
) -> None:
    panel = make_session(forum, title="Panel", room=rooms[0])

    response = move(organiser, panel, start=start, end=end, room=rooms[0])

    assert response.status_code == 400
    assert message in cell_of(response, panel)
    db.expire_all()
    assert panel.starts_at == baku(26, 10)


def test_a_move_without_the_csrf_token_is_refused(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    rooms: tuple[Room, Room],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    panel = make_session(forum, title="Panel", room=rooms[0])

    response = move(organiser, panel, start="15:00", end="16:00", room=rooms[1], token=False)

    assert response.status_code == 400
    assert "did not come from this site" in cell_of(response, panel)
    db.expire_all()
    assert (panel.starts_at, panel.room) == (baku(26, 10), rooms[0])


# The day


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("tomorrow", "“tomorrow” is not a date such as 2024-11-25."),
        ("2024-13-01", "is not a date such as"),
        ("2024-12-01", "2024-12-01 is not a day of the event (2024-11-25 to 2024-11-26)"),
    ],
)
def test_a_bad_day_is_refused_with_a_message(
    organiser: FlaskClient, forum: Event, day: str, message: str
) -> None:
    response = organiser.get(grid_path(forum, day))

    assert response.status_code == 400
    assert message in words(response)
    assert "Monday 25 November 2024" in words(response)


def test_the_first_day_is_shown_by_default_with_links_to_the_others(
    organiser: FlaskClient, forum: Event, make_session: Callable[..., ProgrammeSession]
) -> None:
    make_session(forum, title="Early bird", starts_at=baku(25, 9), ends_at=baku(25, 10))

    response = organiser.get(grid_path(forum, None))

    assert response.status_code == 200
    assert "Early bird" in words(response)
    assert 'href="/admin/events/forum/grid?day=2024-11-26"' in text(response)
    assert date(2024, 11, 25).isoformat() not in re.findall(r'grid\?day=([\d-]+)"', text(response))


def test_the_grid_script_is_a_static_file(organiser: FlaskClient, forum: Event) -> None:
    page = text(organiser.get(grid_path(forum)))
    assert '<script src="/static/programme-grid.js" defer></script>' in page
    assert "<script>" not in page
    script = organiser.get("/static/programme-grid.js")
    assert script.status_code == 200
    assert "form.submit()" in script.get_data(as_text=True)
    script.close()


def test_a_status_other_than_scheduled_is_named_in_the_cell(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    draft = make_session(forum, title="Maybe", status="draft")
    assert draft.status is SessionStatus.DRAFT
    assert "Draft" in cell_of(organiser.get(grid_path(forum)), draft)
