"""A generated programme for format tests: many sessions over several days and rooms, tracks,
people, cancelled sessions, drafts and closed meetings, and titles in Azerbaijani and Cyrillic
or full of XML's special characters. Built only through the services, so every rule holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import Event, ProgrammeSession

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=ZoneInfo("UTC"))
FIRST_DAY, LAST_DAY = date(2024, 11, 25), date(2024, 11, 27)
FIRST_SLOT = time(7)
LONG_AZERBAIJANI = (
    "Azərbaycan və NATO: Sülh Naminə Tərəfdaşlıq proqramının otuz illiyi, enerji təhlükəsizliyi "
    "və gələcək perspektivlər haqqında geniş müzakirə"
)
LONG_CYRILLIC = (
    "Азербайджан и НАТО: тридцать лет Партнёрства ради мира и энергетическая безопасность"
)
TITLES = (
    LONG_AZERBAIJANI,
    LONG_CYRILLIC,
    'Pipelines <&> "partners": who pays?',
    "Ölkələr & şəbəkələr: <cyber> 'defence'",
    "Two\nlines\tand a tab",
    "]]> is not the end of anything",
    "Plain talk",
)
PEOPLE = (
    ("Günay", "Rəhimova", "Dr"),
    ("Elçin", "Abdullayev", "Colonel"),
    ("Иван", "Петров", ""),
    ("Burcu", "San", ""),
    ("Tom & Jerry", "<Smith>", ""),
    ("Ömər", "Şıxəliyev", "H.E."),
)
ROOMS = ("Plenary Hall", "Zal «Şərq»", "Room <B> & C", "Зал Каспий", "Workshop room")
TRACKS = ("Energy security", "Enerji təhlükəsizliyi", "Кибербезопасность", 'Peace & "keeping"')


@dataclass(frozen=True)
class Programme:
    event: Event
    public: list[ProgrammeSession]
    cancelled: list[ProgrammeSession]
    hidden: list[ProgrammeSession]


def make_programme(
    db: DbSession, event: Event, *, sessions: int = 500, people: int = 60
) -> Programme:
    """``sessions`` public sessions (every 17th cancelled, every 40th without a room) on the
    event's days in back-to-back 25-minute slots, plus a draft and a closed meeting."""
    zone = ZoneInfo(event.timezone)
    rooms = [
        services.add_room(db, event, slug=f"room-{n}", name=name, now=NOW)
        for n, name in enumerate(ROOMS, start=1)
    ]
    tracks = [
        services.add_track(db, event, slug=f"track-{n}", name=name, colour="#1F6FEB", now=NOW)
        for n, name in enumerate(TRACKS, start=1)
    ]
    persons = [
        services.create_person(
            db,
            given_name=f"{given} {n}" if n >= len(PEOPLE) else given,
            family_name=family,
            honorific=honorific,
            now=NOW,
        )
        for n in range(people)
        for given, family, honorific in [PEOPLE[n % len(PEOPLE)]]
    ]
    days = (event.ends_on - event.starts_on).days + 1
    per_room_and_day = -(-sessions // (days * len(rooms)))
    public: list[ProgrammeSession] = []
    cancelled: list[ProgrammeSession] = []
    for n in range(sessions):
        # Rooms vary fastest, so the sessions at one time are consecutive and their people
        # (two per session, taken in turn) are all different.
        slot, room_index = divmod(n, len(rooms))
        day, step = divmod(slot, per_room_and_day)
        starts_at = datetime.combine(event.starts_on + timedelta(days=day), FIRST_SLOT, zone)
        starts_at += timedelta(minutes=25 * step)
        programme_session = services.add_session(
            db,
            event,
            title=f"{TITLES[n % len(TITLES)]} #{n}",
            kind=("talk", "panel", "workshop", "keynote")[n % 4],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=25),
            room=None if n % 40 == 39 else rooms[room_index],
            track=None if n % 9 == 0 else tracks[n % len(tracks)],
            abstract=f"Abstract of session {n}: <b>bold</b> & more, «quoted».",
            language=("az", "ru", None)[n % 3],
            now=NOW,
        ).session
        for person in (persons[(2 * n) % people], persons[(2 * n + 1) % people]):
            services.assign_role(
                db, programme_session, person, ("speaker", "chair")[n % 2], now=NOW
            )
        if n % 17 == 16:
            services.cancel_session(db, programme_session, now=NOW)
            cancelled.append(programme_session)
        public.append(programme_session)
    first = datetime.combine(event.starts_on, FIRST_SLOT, zone)
    hidden = [
        services.add_session(db, event, title="Draft idea", kind="talk", starts_at=first,
                             ends_at=first + timedelta(hours=1), status="draft",
                             now=NOW).session,
        services.add_session(db, event, title="Bilateral meeting", kind="meeting",
                             starts_at=first - timedelta(hours=1), ends_at=first,
                             visibility="closed", now=NOW).session,
    ]  # fmt: skip
    return Programme(event, public, cancelled, hidden)
