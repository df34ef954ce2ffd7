"""The public pages: events, an event, its programme in the event's zone, one session."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.models import Event
from tests.factories import FIXED_NOW, baku

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
MINISTRY = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
DEPARTMENT = "Military-Political Affairs Department"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def event(db: DbSession, make_event) -> Event:
    venue = services.create_venue(db, name="Baku Congress Centre", city="Baku", country="AZ")
    return make_event(
        slug="pfp30-baku",
        name="Azerbaijan and NATO: 30 years of Partnership for Peace",
        venue=venue,
        description="First paragraph.\n\nSecond paragraph.",
        languages=["en", "az"],
    )


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert response.mimetype_params == {"charset": "utf-8"}
    return response.get_data(as_text=True)


def text_of(markup: str) -> str:
    """The markup with entities decoded and whitespace runs collapsed."""
    return " ".join(html.unescape(markup).split())


def words_of(markup: str) -> str:
    """The page's text as a person reads it, without any tags."""
    return text_of(re.sub(r"<[^>]*>", "", markup))


def test_the_home_page_lists_upcoming_then_past_events(client, make_event) -> None:
    make_event(name="Baku workshop", starts_on=date(2024, 12, 10), ends_on=date(2024, 12, 11))
    # At 12:00 UTC on 1 November it is 16:00 on 1 November in Baku but already 02:00 on
    # 2 November in Kiritimati: an event is over at midnight after its last day in its own zone.
    make_event(name="Baku's Friday", starts_on=date(2024, 11, 1), ends_on=date(2024, 11, 1))
    make_event(name="Kiritimati's Friday", timezone="Pacific/Kiritimati",
               starts_on=date(2024, 11, 1), ends_on=date(2024, 11, 1))  # fmt: skip
    make_event(name="Spring meeting", starts_on=date(2024, 4, 2), ends_on=date(2024, 4, 2))

    text = page(client, "/")

    upcoming, past = text.split("Past events")
    assert "Baku workshop" in upcoming
    assert "10–11 December 2024" in upcoming
    assert "Baku&#39;s Friday" in upcoming
    assert "Kiritimati&#39;s Friday" in past
    assert "Spring meeting" in past
    assert "2 April 2024" in past
    assert 'href="/events/' in upcoming


def test_the_home_page_without_events(client) -> None:
    assert "No upcoming events" in page(client, "/")


def test_the_event_page_shows_dates_and_zone(client, event) -> None:
    text = text_of(page(client, "/events/pfp30-baku/"))

    assert "<h1>Azerbaijan and NATO: 30 years of Partnership for Peace</h1>" in text
    assert "25–26 November 2024" in text
    assert "Times are Baku time (Asia/Baku, UTC+04:00)." in text
    assert "Baku Congress Centre, Baku" in text
    assert "<p>First paragraph.</p> <p>Second paragraph.</p>" in text
    assert "English, Azerbaijani" in text
    assert 'href="/events/pfp30-baku/schedule"' in text


@pytest.mark.parametrize(
    ("window", "says"),
    [
        ({}, "Registration is open until 27 November 2024, 00:00."),
        (
            {"registration_opens_at": baku(5, 9), "registration_closes_at": baku(20, 18)},
            "Registration is not yet open. It opens on 5 November 2024, 09:00.",
        ),
        ({"registration_closes_at": baku(1, 9)}, "Registration is closed."),
    ],
)
def test_the_event_page_says_whether_registration_is_open(client, db, event, window, says) -> None:
    services.update_event(db, event, **window)

    assert says in text_of(page(client, "/events/pfp30-baku/"))


def test_the_schedule_shows_times_in_the_event_zone(client, event, make_room, make_session) -> None:
    hall = make_room(event, name="Plenary Hall")
    make_session(
        event,
        title="Opening plenary",
        kind="plenary",
        room=hall,
        starts_at=datetime(2024, 11, 26, 5, 0, tzinfo=UTC),
        ends_at=datetime(2024, 11, 26, 6, 0, tzinfo=UTC),
    )

    text = text_of(page(client, "/events/pfp30-baku/schedule"))

    assert "Times are Baku time (Asia/Baku, UTC+04:00)." in text
    assert "Tuesday 26 November 2024" in text
    assert '<strong class="room-name">Plenary Hall</strong>' in text
    assert (
        '<time datetime="2024-11-26T09:00:00+04:00">09:00</time>–'
        '<time datetime="2024-11-26T10:00:00+04:00">10:00</time>'
    ) in text
    assert "Opening plenary" in text
    assert "Plenary" in text


def test_the_schedule_shows_people_with_their_positions(
    client, db, event, make_session, make_person
) -> None:
    ministry = services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    department = services.create_organisation(
        db, name=DEPARTMENT, kind="government", country="AZ", parent=ministry
    )
    anar = make_person(given_name="Anar", family_name="Mutallimov")
    position = services.add_affiliation(db, anar, department, position_title="Acting Head")
    colonel = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    opening = make_session(event, title="Opening")
    services.assign_role(db, opening, colonel, "chair")
    services.assign_role(db, opening, anar, "speaker", affiliation=position)

    text = words_of(page(client, "/events/pfp30-baku/schedule"))

    chair = text.index("Chair: Colonel Elchin Abdullayev")
    speaker = text.index(f"Speaker: Anar Mutallimov, Acting Head, {DEPARTMENT}, {MINISTRY}")
    assert chair < speaker


def test_the_schedule_marks_cancelled_and_hides_closed_and_draft_sessions(
    client, db, event, make_session
) -> None:
    dropped = make_session(event, title="Dropped panel")
    services.cancel_session(db, dropped)
    make_session(
        event,
        title="Bilateral meeting",
        kind="meeting",
        visibility="closed",
        starts_at=baku(25, 15),
        ends_at=baku(25, 16),
    )
    make_session(event, title="Unfinished idea", status="draft")

    text = text_of(page(client, "/events/pfp30-baku/schedule"))

    assert "Dropped panel</a></del>" in text
    assert '<strong class="status-cancelled">cancelled</strong>' in text
    assert "Bilateral meeting" not in text
    assert "Unfinished idea" not in text


def test_the_track_filter_is_a_plain_form(client, event, make_track, make_session) -> None:
    energy = make_track(event, slug="energy-security", name="Energy security")
    history = make_track(event, slug="history", name="History")
    make_session(
        event, title="Pipelines", track=energy, starts_at=baku(26, 9), ends_at=baku(26, 10)
    )
    make_session(
        event, title="Since 1994", track=history, starts_at=baku(26, 11), ends_at=baku(26, 12)
    )

    everything = text_of(page(client, "/events/pfp30-baku/schedule"))
    filtered = text_of(page(client, "/events/pfp30-baku/schedule?track=energy-security"))
    empty_choice = text_of(page(client, "/events/pfp30-baku/schedule?track="))

    assert '<form method="get" action="/events/pfp30-baku/schedule"' in everything
    assert '<select id="track" name="track">' in everything
    assert "Pipelines" in everything
    assert "Since 1994" in everything
    assert "Pipelines" in filtered
    assert "Since 1994" not in filtered
    assert '<option value="energy-security" selected>Energy security</option>' in filtered
    assert "Since 1994" in empty_choice


def test_an_unknown_track_is_a_400_that_says_so(client, event) -> None:
    text = text_of(page(client, "/events/pfp30-baku/schedule?track=no-such-track", 400))

    assert "This event has no track 'no-such-track'." in text
    assert "Traceback" not in text


def test_the_session_page_shows_people_and_positions(
    client, db, event, make_room, make_track, make_session, make_person
) -> None:
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    burcu = make_person(given_name="Burcu", family_name="San")
    position = services.add_affiliation(
        db, burcu, nato, position_title="Deputy Assistant Secretary General for Operations"
    )
    track = make_track(event, slug="partnership", name="Partnership")
    opening = make_session(
        event,
        title="Opening plenary",
        kind="plenary",
        room=make_room(event, name="Plenary Hall"),
        track=track,
        abstract="Statements.\n\nQuestions.",
        starts_at=baku(26, 9),
        ends_at=baku(26, 10),
    )
    services.assign_role(db, opening, burcu, "speaker", affiliation=position)

    text = text_of(page(client, f"/events/pfp30-baku/sessions/{opening.uuid}"))

    assert "<h1>Opening plenary</h1>" in text
    assert "Tuesday 26 November 2024" in text
    assert '<time datetime="2024-11-26T09:00:00+04:00">09:00</time>' in text
    assert "Plenary Hall" in text
    assert 'href="/events/pfp30-baku/schedule?track=partnership">Partnership</a>' in text
    assert "<p>Statements.</p> <p>Questions.</p>" in text
    assert (
        "Speaker: Burcu San, Deputy Assistant Secretary General for Operations, NATO"
        in words_of(text)
    )
    schedule = page(client, "/events/pfp30-baku/schedule")
    assert f'href="/events/pfp30-baku/sessions/{opening.uuid}"' in schedule


def test_a_cancelled_session_page_says_so(client, db, event, make_session) -> None:
    dropped = make_session(event, title="Dropped panel")
    services.cancel_session(db, dropped)

    text = text_of(page(client, f"/events/pfp30-baku/sessions/{dropped.uuid}"))

    assert "<del>Dropped panel</del>" in text
    assert "This session is cancelled." in text


def test_closed_and_draft_sessions_have_no_public_page(
    client, event, make_event, make_session
) -> None:
    closed = make_session(event, visibility="closed")
    draft = make_session(event, status="draft")
    elsewhere = make_session(make_event())

    for key in (closed.uuid, draft.uuid, elsewhere.uuid, uuid.uuid4()):
        text = page(client, f"/events/pfp30-baku/sessions/{key}", 404)
        assert "no session" in text
    page(client, "/events/pfp30-baku/sessions/not-a-uuid", 404)


@pytest.mark.parametrize(
    "path",
    [
        "/events/no-such-event/",
        "/events/no-such-event/schedule",
        f"/events/no-such-event/sessions/{uuid.uuid4()}",
    ],
)
def test_an_unknown_event_is_a_404_without_a_traceback(client, path) -> None:
    text = page(client, path, 404)

    assert "no event &#39;no-such-event&#39;" in text
    assert "Traceback" not in text


def test_titles_are_escaped(client, db, event, make_session, make_person) -> None:
    hostile = make_session(event, title="<script>alert('x')</script> & more")
    person = make_person(given_name="<b>Bold</b>", family_name="O'Brien")
    services.assign_role(db, hostile, person, "speaker")

    for path in ("/events/pfp30-baku/schedule", f"/events/pfp30-baku/sessions/{hostile.uuid}"):
        markup = page(client, path)
        assert "<script>" not in markup
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in markup
        assert "&lt;b&gt;Bold&lt;/b&gt; O&#39;Brien" in markup


def test_names_in_any_script_render_as_utf8(client, db, event, make_session, make_person) -> None:
    names = [
        ("Şəhla", "Ağayeva"),
        ("Gülşen", "Öztürk"),
        ("İlkin", "Çələbi"),
        ("Анар", "Муталлимов"),
    ]
    session = make_session(event, title="Ənənəvi tərəfdaşlıq — Традиционное партнёрство")
    for given, family in names:
        services.assign_role(
            db, session, make_person(given_name=given, family_name=family), "panellist"
        )

    response = client.get("/events/pfp30-baku/schedule")

    assert response.content_type == "text/html; charset=utf-8"
    body = response.get_data()
    assert "Ənənəvi tərəfdaşlıq — Традиционное партнёрство".encode() in body
    for given, family in names:
        assert f"{given} {family}".encode() in body
    assert b'<meta charset="utf-8">' in body


@pytest.mark.parametrize(
    ("capacity", "waitlist", "language", "says"),
    [
        (1, True, "en", "The only seat is taken; new registrations join the waiting list"),
        (1, False, "en", "The only seat is taken."),
        (2, True, "en", "All 2 seats are taken; new registrations join the waiting list"),
        (1, True, "ru", "Единственное место занято; новые регистрации попадают в лист"),
        (21, False, "ru", "Свободных мест нет (всего 21)."),
        (1, False, "az", "Yeganə yer tutulub."),
    ],
)  # fmt: skip
def test_a_full_event_says_so_in_words_that_fit_the_number_of_seats(
    client,
    monkeypatch,
    open_event_for_registration,
    make_registration,
    capacity,
    waitlist,
    language,
    says,
) -> None:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    event = open_event_for_registration(capacity=capacity, waitlist=waitlist, slug="full")
    for _ in range(capacity + waitlist):
        make_registration(event)

    response = client.get(f"/events/full/?lang={language}")

    assert says in " ".join(re.sub(r"<[^>]*>", " ", response.get_data(as_text=True)).split())
