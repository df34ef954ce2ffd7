"""Programmes for the client tests (a generated one of any size, and the demo events), their
feeds, what a calendar must show of them, and the change an organiser makes to them.

Everything is built and changed through the confkit services, so the generated programme obeys
every rule an organiser's does (no room or person clash, times inside the event's days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.demo import load_demo
from confkit.feeds import programme_feed
from confkit.models import (
    Affiliation,
    Event,
    OrganisationKind,
    Person,
    ProgrammeSession,
    RoleKind,
    SessionStatus,
    Visibility,
)

BASE_URL = "https://confkit.example.org"
HOST = "confkit.example.org"
# The demo's stamps; the workshop is dated from TODAY.
DEMO_TODAY = date(2025, 3, 1)
DEMO_NOW = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
GENERATED_NOW = datetime(2025, 9, 1, 12, 0, tzinfo=UTC)
# When the organiser moves one session and cancels another: after every stamp above.
CHANGED_AT = datetime(2025, 9, 15, 12, 0, tzinfo=UTC)

ROOMS = 8
SLOT = timedelta(minutes=40)
SLOTS_PER_DAY = 13  # 09:00 to 17:40 in every room
PEOPLE_PER_ROOM = 6
KINDS = ("talk", "talk", "panel", "workshop", "talk", "keynote", "meeting", "break")

# Long titles in Azerbaijani and Russian fold in the middle of multi-byte characters unless the
# folding counts octets; the others carry TEXT separators and CR/LF injection attempts.
TITLES = (
    "Azərbaycan və NATO: Sülh Naminə Tərəfdaşlıq proqramının otuz illik təcrübəsi, "
    "regional təhlükəsizlik və gələcək əməkdaşlıq perspektivləri",
    "Энергетическая безопасность Южного Кавказа: трубопроводы, морские маршруты и "
    "диверсификация поставок в Европу",
    "Qadınlar, sülh və təhlükəsizlik; gənclərin iştirakı, təhsil, mülki cəmiyyət",
    "Кибербезопасность критической инфраструктуры; учения, стандарты, обмен опытом",
    "Xəzər regionunda dəniz təhlükəsizliyi, liman infrastrukturu və logistika dəhlizləri",
    "Миротворческие операции, совместимость сил и подготовка кадров: уроки тридцати лет",
    "Semicolons; commas, and a backslash \\ in one title",
    "A title that tries\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected@evil.example to inject",
    "Line\nbreaks\rand CR in a title",
)
GIVEN_NAMES = (
    "Günay",
    "Elçin",
    "Şəhla",
    "Əli",
    "Çingiz",
    "Ülviyyə",
    "Анна",
    "Сергей",
    "Ирина",
    "Tural",
    "Nərmin",
    "Ольга",
)
FAMILY_NAMES = (
    "Rəhimova",
    "Əliyev",
    "Quliyeva",
    "Məmmədov",
    "Hüseynli",
    "Соколова",
    "Петров",
    "Kazımov",
    "Иванова",
)


@dataclass
class Programme:
    """An event and its sessions: the public ones (scheduled or cancelled) and the hidden ones."""

    event: Event
    public: list[ProgrammeSession]
    hidden: list[ProgrammeSession]


def generated_programme(
    db: DbSession,
    *,
    size: int = 500,
    slug: str = "generated",
    timezone: str = "Asia/Baku",
    starts_on: date = date(2025, 10, 30),
    now: datetime = GENERATED_NOW,
) -> Programme:
    """An event with ``size`` public sessions over as many days as they need, in eight rooms.

    One public session in 83 is cancelled, and a few drafts and closed sessions (which no
    public feed may show) come on top. People hold roles in many sessions, never two at a time: at
    any moment each room draws its people from its own group, and the groups rotate daily.
    The default dates straddle the end of summer time in New York (2 November 2025), though
    Baku keeps one offset: a calendar in New York must shift its local times by an hour.
    """
    per_day = ROOMS * SLOTS_PER_DAY
    days = -(-(size + ROOMS) // per_day)  # room for the closed sessions too
    event = services.create_event(
        db,
        slug=slug,
        name="Generated programme: Cənubi Qafqaz / Южный Кавказ",
        timezone=timezone,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        now=now,
    )
    rooms = [
        services.add_room(db, event, slug=f"room-{n}", name=f"Zal {n} / Зал {n}", now=now)
        for n in range(1, ROOMS + 1)
    ]
    tracks = [
        services.add_track(db, event, slug=f"track-{n}", name=name, now=now)
        for n, name in enumerate(
            ("Təhlükəsizlik", "Энергетика", "Partnership, training; education", "Kiber"), 1
        )
    ]
    organisation = services.create_organisation(
        db, name="Bakı Dövlət Universiteti", kind=OrganisationKind.ACADEMIA
    )
    people: list[Person] = []
    affiliations: list[Affiliation | None] = []
    for n in range(ROOMS * PEOPLE_PER_ROOM):
        person = services.create_person(
            db,
            given_name=GIVEN_NAMES[n % len(GIVEN_NAMES)],
            family_name=f"{FAMILY_NAMES[n % len(FAMILY_NAMES)]}-{n}",
            now=now,
        )
        people.append(person)
        affiliations.append(
            services.add_affiliation(db, person, organisation, position_title="Dosent, кафедра")
            if n % 3 == 0
            else None
        )
    zone = ZoneInfo(timezone)
    public: list[ProgrammeSession] = []
    hidden: list[ProgrammeSession] = []
    for index in range(size + ROOMS):
        day, rest = divmod(index, per_day)
        slot, room_index = divmod(rest, ROOMS)
        starts_at = datetime.combine(starts_on + timedelta(days=day), time(9), zone) + slot * SLOT
        closed = index >= size
        title = TITLES[index % len(TITLES)]
        programme_session = services.add_session(
            db,
            event,
            title=f"{title} #{index}",
            kind=KINDS[index % len(KINDS)],
            starts_at=starts_at,
            ends_at=starts_at + SLOT,
            room=rooms[room_index],
            track=tracks[index % len(tracks)] if index % 5 else None,
            abstract=f"Abstract {index}: müzakirə; обсуждение, \\ and a second\nline."
            if index % 4
            else "",
            visibility=Visibility.CLOSED if closed else Visibility.PUBLIC,
            status=SessionStatus.CANCELLED if index % 83 == 41 else SessionStatus.SCHEDULED,
            now=now,
        ).session
        # Two people from this room's group of the day; the group changes room every day.
        group = (room_index + day) % ROOMS
        for offset, role in ((0, RoleKind.CHAIR), (1, RoleKind.SPEAKER)):
            n = group * PEOPLE_PER_ROOM + (slot + offset) % PEOPLE_PER_ROOM
            services.assign_role(
                db, programme_session, people[n], role, affiliation=affiliations[n], now=now
            )
        (hidden if closed else public).append(programme_session)
    # Drafts need no free room or person: they are not on the programme yet.
    for n in range(ROOMS):
        starts_at = datetime.combine(starts_on, time(10), zone)
        draft = services.add_session(
            db,
            event,
            title=f"Qaralama / Черновик {n}",
            kind="talk",
            starts_at=starts_at,
            ends_at=starts_at + SLOT,
            room=rooms[n],
            status=SessionStatus.DRAFT,
            now=now,
        ).session
        hidden.append(draft)
    return Programme(event, public, hidden)


def demo_programmes(db: DbSession) -> dict[str, Programme]:
    """The demo events by slug, their sessions split into public and hidden."""
    programmes = {}
    for event in load_demo(db, today=DEMO_TODAY, now=DEMO_NOW):
        public = [s for s in event.sessions if is_public(s)]
        hidden = [s for s in event.sessions if not is_public(s)]
        programmes[event.slug] = Programme(event, public, hidden)
    return programmes


@dataclass(frozen=True)
class Shown:
    """What a calendar must show of one session: its instants (in UTC), status and SEQUENCE."""

    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int

    @classmethod
    def of(cls, starts_at: datetime, ends_at: datetime, status: str, sequence: int) -> Shown:
        """From any aware datetimes; they are compared as instants."""
        # A floating time would be read in the reader's own zone: wrong for everyone else.
        assert starts_at.tzinfo is not None, f"floating DTSTART {starts_at}"
        assert ends_at.tzinfo is not None, f"floating DTEND {ends_at}"
        return cls(starts_at.astimezone(UTC), ends_at.astimezone(UTC), str(status), int(sequence))


def expected(programme: Programme) -> dict[str, Shown]:
    """Every public session by UID, as its feed must show it now."""
    return {
        uid(s): Shown.of(
            s.starts_at,
            s.ends_at,
            "CANCELLED" if s.status is SessionStatus.CANCELLED else "CONFIRMED",
            s.sequence,
        )
        for s in programme.public
    }


def feed(db: DbSession, programme: Programme) -> bytes:
    """The programme's public feed."""
    return programme_feed(db, programme.event, base_url=BASE_URL)


def move_and_cancel(
    db: DbSession, programme: Programme, *, now: datetime = CHANGED_AT
) -> tuple[ProgrammeSession, ProgrammeSession]:
    """Move the first scheduled session to another room, an hour after the programme's last
    session ends, and cancel the last scheduled one; return both.

    Nothing happens at the new time, so no room or person clashes whatever the programme.
    """
    scheduled = sorted(
        (s for s in programme.public if s.is_scheduled and s.room is not None),
        key=lambda s: (s.starts_at, s.id),
    )
    moved, cancelled = scheduled[0], scheduled[-1]
    latest_end = max(s.ends_at for s in programme.event.sessions if s.is_scheduled)
    other_room = next(r for r in programme.event.rooms if r.id != moved.room_id)
    services.move_session(
        db, moved, starts_at=latest_end + timedelta(hours=1), room=other_room, now=now
    )
    services.cancel_session(db, cancelled, now=now)
    return moved, cancelled


def is_public(programme_session: ProgrammeSession) -> bool:
    """Whether a public feed shows the session (scheduled or cancelled, and not closed)."""
    return (
        programme_session.status is not SessionStatus.DRAFT
        and programme_session.visibility is Visibility.PUBLIC
    )


def uid(programme_session: ProgrammeSession) -> str:
    """The UID every feed gives the session."""
    return f"{programme_session.uuid}@{HOST}"
