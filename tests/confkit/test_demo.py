"""The demo events: the article's facts, a clash-free programme, and loading twice is harmless."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.db import Base
from confkit.demo import (
    WORKSHOP_QUESTIONS,
    demo_session_uuid,
    load_demo,
    load_pfp30,
)
from confkit.demo import pfp30 as pfp30_specs
from confkit.demo import workshop as workshop_specs
from confkit.demo.builder import DemoBuilder
from confkit.models import (
    Delegation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationCategory,
    RegistrationMode,
    RegistrationStatus,
    RoleKind,
    SessionKind,
    SessionStatus,
    Visibility,
)
from confkit.translations import translated

BAKU = ZoneInfo("Asia/Baku")
TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
ARTICLE_PEOPLE = {
    "anar.mutallimov@mfa.example.org",
    "burcu.san@nato.example.org",
    "elchin.abdullayev@mod.example.org",
}
RESERVED_EMAIL = re.compile(r"@([a-z0-9-]+\.)*example\.(org|com|net)$")


@pytest.fixture
def demo(db: DbSession) -> dict[str, Event]:
    return {event.slug: event for event in load_demo(db, today=TODAY, now=NOW)}


@pytest.fixture
def pfp30(demo: dict[str, Event]) -> Event:
    return demo["pfp30-baku"]


@pytest.fixture
def workshop(demo: dict[str, Event]) -> Event:
    return demo["baku-energy-security-workshop"]


def person(db: DbSession, email: str) -> Person:
    return db.scalars(select(Person).where(Person.email == email)).one()


def organisation(db: DbSession, name: str) -> Organisation:
    return db.scalars(select(Organisation).where(Organisation.name == name)).one()


def session_titled(event: Event, title: str) -> ProgrammeSession:
    (found,) = [s for s in event.sessions if s.title == title]
    return found


def roles_of(programme_session: ProgrammeSession) -> list[tuple[str, RoleKind]]:
    return [(role.person.display_name, role.role) for role in programme_session.roles]


def test_both_events_are_loaded(demo: dict[str, Event]) -> None:
    assert list(demo) == ["pfp30-baku", "baku-energy-security-workshop"]


def test_pfp30_is_the_baku_conference_with_registration_closed(pfp30: Event) -> None:
    assert pfp30.name == "Azerbaijan and NATO: 30 years of Partnership for Peace"
    assert pfp30.timezone == "Asia/Baku"
    assert (pfp30.starts_on, pfp30.ends_on) == (date(2024, 11, 25), date(2024, 11, 26))
    assert pfp30.languages == ["en", "az"]
    assert pfp30.registration_closes_at is not None
    assert pfp30.registration_closes_at < datetime(2024, 11, 25, tzinfo=BAKU)
    assert pfp30.venue is not None
    assert (pfp30.venue.city, pfp30.venue.country) == ("Baku", "AZ")


def test_pfp30_description_says_what_is_illustrative_and_credits_the_source(
    pfp30: Event,
) -> None:
    assert "timetable shown here is illustrative" in pfp30.description
    assert "fictional" in pfp30.description
    assert "Caliber.Az, by Khagan Isayev" in pfp30.description


def test_pfp30_tracks_are_the_article_topics(pfp30: Event) -> None:
    assert [track.name for track in pfp30.tracks] == [
        "History, current state and future prospects of the partnership",
        "Achievements of the SNT program",
        "Contributions to NATO-led peacekeeping operations",
        "Energy security in the European region",
        "Science for Peace and Security: counter-terrorism and cyber security",
    ]


def test_each_pfp30_track_has_a_panel_with_a_moderator_and_panellists(pfp30: Event) -> None:
    for track in pfp30.tracks:
        (panel,) = [s for s in pfp30.sessions if s.track is track]
        kinds = [role.role for role in panel.roles]
        assert panel.kind is SessionKind.PANEL
        assert kinds[0] is RoleKind.MODERATOR
        assert 2 <= kinds.count(RoleKind.PANELLIST) <= 3


def test_the_article_organisations_sit_in_their_parents(db: DbSession, pfp30: Event) -> None:
    foreign_ministry = organisation(db, "Ministry of Foreign Affairs of the Republic of Azerbaijan")
    department = organisation(db, "Military-Political Affairs Department")
    cooperation = organisation(db, "International Military Cooperation Department")
    nato = organisation(db, "NATO")

    assert department.parent is foreign_ministry
    assert (foreign_ministry.kind, foreign_ministry.country) == (OrganisationKind.GOVERNMENT, "AZ")
    assert cooperation.kind is OrganisationKind.ARMED_FORCES
    assert cooperation.parent is not None
    assert cooperation.parent.name == "Ministry of Defence of the Republic of Azerbaijan"
    assert (nato.kind, nato.country) == (OrganisationKind.INTERNATIONAL, None)


def test_the_article_people_hold_their_positions(db: DbSession, pfp30: Event) -> None:
    mutallimov = person(db, "anar.mutallimov@mfa.example.org")
    san = person(db, "burcu.san@nato.example.org")
    abdullayev = person(db, "elchin.abdullayev@mod.example.org")

    assert [a.label for a in mutallimov.affiliations] == [
        "Acting Head, Military-Political Affairs Department,"
        " Ministry of Foreign Affairs of the Republic of Azerbaijan"
    ]
    assert [a.label for a in san.affiliations] == [
        "Deputy Assistant Secretary General for Operations, NATO"
    ]
    assert abdullayev.display_name == "Colonel Elchin Abdullayev"
    assert abdullayev.affiliations[0].label.startswith(
        "Head, International Military Cooperation Department"
    )


def test_the_nato_delegation_is_headed_by_burcu_san(db: DbSession, pfp30: Event) -> None:
    (delegation,) = db.scalars(select(Delegation).where(Delegation.event_id == pfp30.id)).all()
    san = person(db, "burcu.san@nato.example.org")

    assert delegation.name == "NATO delegation"
    assert delegation.head is san
    assert delegation.organisation is not None
    assert delegation.organisation.name == "NATO"
    assert san in delegation.members
    others = [member for member in delegation.members if member is not san]
    assert 1 <= len(others) <= 2
    assert all("Fictional" in member.bio for member in others)


def test_the_bilateral_meeting_is_closed_on_25_november_in_baku(
    db: DbSession, pfp30: Event
) -> None:
    meeting = session_titled(pfp30, "Meeting with the NATO delegation")
    (delegation,) = db.scalars(select(Delegation).where(Delegation.event_id == pfp30.id)).all()

    assert meeting.kind is SessionKind.MEETING
    assert meeting.visibility is Visibility.CLOSED
    assert meeting.status is SessionStatus.SCHEDULED
    assert meeting.starts_at.astimezone(BAKU).date() == date(2024, 11, 25)
    assert meeting.ends_at.astimezone(BAKU).date() == date(2024, 11, 25)
    assert meeting.room is not None
    assert meeting.room.name == "Meeting Room"
    assert roles_of(meeting)[0] == ("Colonel Elchin Abdullayev", RoleKind.CHAIR)
    participants = {role.person for role in meeting.roles if role.role is RoleKind.PARTICIPANT}
    assert participants == set(delegation.members)
    for topic in (
        "Individually Tailored Partnership Programme",
        "international security missions",
        "Operational Capabilities Concept",
        "Partnership Staff Positions",
    ):
        assert topic in meeting.abstract


def test_the_conference_day_is_26_november_and_public(pfp30: Event) -> None:
    public = [s for s in pfp30.sessions if s.visibility is Visibility.PUBLIC]

    assert {s.starts_at.astimezone(BAKU).date() for s in public} == {date(2024, 11, 26)}
    assert {SessionKind.BREAK, SessionKind.PLENARY, SessionKind.PANEL} <= {s.kind for s in public}


def test_the_opening_plenary_has_the_article_speakers(pfp30: Event) -> None:
    opening = session_titled(pfp30, "Opening plenary: 30 years of Partnership for Peace")
    speakers = [role for role in opening.roles if role.role is RoleKind.SPEAKER]

    assert [role.person.name for role in speakers] == ["Anar Mutallimov", "Burcu San"]
    # Each is shown with the position the article gives them.
    assert speakers[1].affiliation is not None
    assert "Deputy Assistant Secretary General for Operations" in speakers[1].affiliation.label


def test_everyone_the_article_does_not_name_is_marked_fictional(
    demo: dict[str, Event],
) -> None:
    people = {role.person for event in demo.values() for s in event.sessions for role in s.roles}
    invented = [p for p in people if p.email not in ARTICLE_PEOPLE]

    assert invented
    assert all("Fictional" in p.bio for p in invented), [p.name for p in invented]
    assert all(
        "(fictional)" in role.affiliation.label
        for event in demo.values()
        for s in event.sessions
        for role in s.roles
        if role.person.email not in ARTICLE_PEOPLE and role.affiliation is not None
    )


def test_the_fictional_workshop_has_none_of_the_article_people(workshop: Event) -> None:
    emails = {role.person.email for s in workshop.sessions for role in s.roles}

    assert emails
    assert not emails & ARTICLE_PEOPLE


@pytest.mark.parametrize("slug", ["pfp30-baku", "baku-energy-security-workshop"])
def test_the_programme_has_no_clashes(db: DbSession, demo: dict[str, Event], slug: str) -> None:
    assert services.conflict_report(db, demo[slug]) == []


def test_the_workshop_is_60_days_ahead_and_open_for_registration(workshop: Event) -> None:
    assert "fictional" in workshop.name
    assert "fictional" in workshop.description
    assert workshop.starts_on == workshop.ends_on == TODAY + timedelta(days=60)
    assert workshop.timezone == "Asia/Baku"
    assert workshop.venue is not None
    assert workshop.venue.city == "Baku"
    assert workshop.registration_mode is RegistrationMode.OPEN
    assert workshop.registration_opens_at == NOW
    assert workshop.registration_closes_at is not None
    assert workshop.registration_closes_at.astimezone(BAKU).date() == workshop.starts_on
    assert workshop.capacity == 30
    assert workshop.waitlist_enabled is True


def test_the_workshop_runs_two_rooms_in_parallel(workshop: Event) -> None:
    assert [room.name for room in workshop.rooms] == ["Room A", "Room B"]
    parallel = [
        (first, second)
        for first in workshop.sessions
        for second in workshop.sessions
        if first.room is not None
        and second.room is not None
        and first.room.name == "Room A"
        and second.room.name == "Room B"
        and first.starts_at < second.ends_at
        and second.starts_at < first.ends_at
    ]
    assert parallel


def test_the_hands_on_session_has_12_seats(workshop: Event) -> None:
    (hands_on,) = [s for s in workshop.sessions if s.kind is SessionKind.WORKSHOP]

    assert hands_on.signup_capacity == 12


def test_the_workshop_asks_its_own_questions_in_order(workshop: Event) -> None:
    assert [q.key for q in workshop.questions] == [spec[0] for spec in WORKSHOP_QUESTIONS]
    assert workshop.questions[0].required
    assert workshop.questions[0].choices == list(WORKSHOP_QUESTIONS[0][3])
    assert workshop.consent_text


def test_session_uuids_derive_from_a_fixed_namespace_and_key(
    db: DbSession, demo: dict[str, Event]
) -> None:
    # Pinned here: calendars keep these UIDs, so the namespace may never change.
    namespace = uuid.UUID("61a4eccb-8bbc-40bc-bd36-d558a0607b4b")
    opening = session_titled(
        demo["pfp30-baku"], "Opening plenary: 30 years of Partnership for Peace"
    )
    (hands_on,) = [
        s for s in demo["baku-energy-security-workshop"].sessions if s.kind is SessionKind.WORKSHOP
    ]

    assert opening.uuid == uuid.uuid5(namespace, "pfp30-baku/opening")
    assert hands_on.uuid == uuid.uuid5(namespace, "baku-energy-security-workshop/hands-on-tabletop")
    assert demo_session_uuid("pfp30-baku", "opening") == opening.uuid
    assert all(s.uuid.version == 5 for event in demo.values() for s in event.sessions)


def test_people_and_organisations_are_shared_between_the_events(
    db: DbSession, demo: dict[str, Event]
) -> None:
    def people_in(event: Event) -> set[Person]:
        return {role.person for s in event.sessions for role in s.roles}

    shared = people_in(demo["pfp30-baku"]) & people_in(demo["baku-energy-security-workshop"])
    names = db.scalars(select(Organisation.name)).all()

    assert person(db, "aysel.huseynova@example.org") in shared
    assert len(names) == len(set(names))
    assert len(person(db, "aysel.huseynova@example.org").affiliations) == 1


def registrations_by_email(db: DbSession, event: Event) -> dict[str, Registration]:
    return {r.person.email or "": r for r in services.list_registrations(db, event)}


def test_the_article_people_attend_in_their_roles(db: DbSession, pfp30: Event) -> None:
    registrations = registrations_by_email(db, pfp30)
    mutallimov = registrations["anar.mutallimov@mfa.example.org"]
    san = registrations["burcu.san@nato.example.org"]
    abdullayev = registrations["elchin.abdullayev@mod.example.org"]

    assert (mutallimov.category, mutallimov.delegation) == (RegistrationCategory.SPEAKER, None)
    assert san.category is RegistrationCategory.SPEAKER
    assert san.delegation is not None
    assert san.delegation.name == "NATO delegation"
    assert san.delegation.head is san.person
    assert (abdullayev.category, abdullayev.delegation) == (RegistrationCategory.DELEGATE, None)
    assert {r.status for r in (mutallimov, san, abdullayev)} == {RegistrationStatus.CONFIRMED}


def test_the_nato_delegation_registers_together(db: DbSession, pfp30: Event) -> None:
    (delegation,) = pfp30.delegations
    registrations = registrations_by_email(db, pfp30)
    in_delegation = {email for email, r in registrations.items() if r.delegation is delegation}

    assert in_delegation == {member.email for member in delegation.members}
    for email in in_delegation - ARTICLE_PEOPLE:
        assert registrations[email].category is RegistrationCategory.DELEGATE


def test_everyone_on_the_public_programme_attends_as_a_speaker(db: DbSession, pfp30: Event) -> None:
    registrations = registrations_by_email(db, pfp30)
    on_stage = {
        role.person.email or ""
        for s in pfp30.sessions
        if s.visibility is Visibility.PUBLIC
        for role in s.roles
    }

    assert len(on_stage) > 10
    assert {registrations[email].category for email in on_stage} == {RegistrationCategory.SPEAKER}


def test_pfp30_has_fictional_attendees_from_the_article_list(db: DbSession, pfp30: Event) -> None:
    registrations = services.list_registrations(db, pfp30)
    invented = [r for r in registrations if r.person.email not in ARTICLE_PEOPLE]
    attendees = [
        r
        for r in invented
        if r.category in (RegistrationCategory.DELEGATE, RegistrationCategory.OBSERVER)
        and r.person.bio == "Fictional attendee for the demo."
    ]
    statuses = [r.status for r in registrations]
    kinds = {r.person.affiliations[0].organisation.kind for r in attendees}
    countries = {r.person.affiliations[0].organisation.country for r in attendees}

    assert len(registrations) >= 20
    assert len(attendees) >= 20
    assert {OrganisationKind.ACADEMIA, OrganisationKind.THINK_TANK} <= kinds
    assert OrganisationKind.GOVERNMENT in kinds
    assert len(countries - {"AZ"}) >= 4
    assert 1 <= statuses.count(RegistrationStatus.CANCELLED) <= 2
    assert statuses.count(RegistrationStatus.CONFIRMED) == len(statuses) - statuses.count(
        RegistrationStatus.CANCELLED
    )
    assert all("Fictional" in r.person.bio for r in invented)
    assert all(
        "(fictional)" in affiliation.label
        for r in invented
        for affiliation in r.person.affiliations
    )
    assert all(RESERVED_EMAIL.search(r.person.email or "") for r in registrations)
    names = " ".join(r.person.name for r in registrations).lower()
    assert set("əğıöşçü") <= set(names)
    assert re.search("[а-я]", names)


def test_pfp30_has_a_caliber_az_reporter_and_staff(db: DbSession, pfp30: Event) -> None:
    registrations = services.list_registrations(db, pfp30)
    (press,) = [r for r in registrations if r.category is RegistrationCategory.PRESS]
    staff = [r for r in registrations if r.category is RegistrationCategory.STAFF]
    (affiliation,) = press.person.affiliations

    assert press.status is RegistrationStatus.CONFIRMED
    assert affiliation.organisation.name == "Caliber.Az"
    assert affiliation.organisation.kind is OrganisationKind.MEDIA
    assert affiliation.organisation.country == "AZ"
    # A fictional reporter, not the article's author.
    assert "Fictional" in press.person.bio
    assert press.person.name != "Khagan Isayev"
    assert len(staff) >= 2


def test_the_workshop_has_a_few_fictional_attendees_and_room_for_more(
    db: DbSession, workshop: Event
) -> None:
    registrations = services.list_registrations(db, workshop)

    assert 5 <= len(registrations) <= 8
    assert workshop.capacity is not None
    assert len(registrations) < workshop.capacity
    assert {r.status for r in registrations} == {RegistrationStatus.CONFIRMED}
    assert all("Fictional" in r.person.bio for r in registrations)
    assert not {r.person.email for r in registrations} & ARTICLE_PEOPLE


def test_the_builder_skips_people_already_registered(db: DbSession, pfp30: Event) -> None:
    counts = table_counts(db)
    builder = DemoBuilder(db, NOW)
    builder.add_organisations(pfp30_specs.ORGANISATIONS)
    builder.add_people(pfp30_specs.PEOPLE)

    added = builder.add_registrations(pfp30, pfp30_specs.REGISTRATIONS)

    assert added == []
    assert table_counts(db) == counts


def table_counts(db: DbSession) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def session_state(db: DbSession) -> list[tuple[Any, ...]]:
    rows = db.execute(
        select(
            ProgrammeSession.uuid,
            ProgrammeSession.sequence,
            ProgrammeSession.modified_at,
            Event.programme_changed_at,
        )
        .join(Event)
        .order_by(ProgrammeSession.uuid)
    )
    return [tuple(row) for row in rows]


def test_loading_twice_changes_nothing(db: DbSession, demo: dict[str, Event]) -> None:
    counts, state = table_counts(db), session_state(db)

    again = load_demo(db, today=TODAY, now=NOW + timedelta(hours=3))

    assert counts["registrations"] > 0
    assert [event.id for event in again] == [event.id for event in demo.values()]
    assert table_counts(db) == counts
    assert session_state(db) == state


def test_a_load_on_a_later_day_keeps_the_workshop_sixty_days_ahead(
    db: DbSession, demo: dict[str, Event]
) -> None:
    workshop = demo["baku-energy-security-workshop"]
    local_times = {s.uuid: s.starts_at.astimezone(BAKU).time() for s in workshop.sessions}
    sequences = {s.uuid: s.sequence for s in workshop.sessions}
    counts = table_counts(db)

    load_demo(db, today=TODAY + timedelta(days=7), now=NOW + timedelta(days=7))

    assert workshop.starts_on == TODAY + timedelta(days=67)
    # Moving the workshop is a change of the programme, and the audit log says so.
    after = table_counts(db)
    assert after.pop("audit_entries") > counts.pop("audit_entries")
    assert after == counts
    for session in workshop.sessions:
        assert session.starts_at.astimezone(BAKU).date() == workshop.starts_on
        assert session.starts_at.astimezone(BAKU).time() == local_times[session.uuid]
        assert session.sequence == sequences[session.uuid] + 1
    assert services.conflict_report(db, workshop) == []
    assert demo["pfp30-baku"].starts_on == date(2024, 11, 25)


def test_a_later_load_reuses_people_and_organisations_already_there(db: DbSession) -> None:
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    san = services.create_person(
        db, given_name="Burcu", family_name="San", email="burcu.san@nato.example.org", now=NOW
    )
    load_pfp30(db, now=NOW)
    counts = table_counts(db)

    load_demo(db, today=TODAY, now=NOW)

    assert db.scalars(select(Organisation).where(Organisation.name == "NATO")).all() == [nato]
    assert person(db, "burcu.san@nato.example.org") is san
    assert [a.organisation for a in san.affiliations] == [nato]
    # Only the workshop was added; the people it shares with pfp30 were found again.
    added = {name: table_counts(db)[name] - counts[name] for name in counts}
    assert added["events"] == 1
    assert added["persons"] == 3
    assert added["registrations"] == len(workshop_specs.REGISTRATIONS)


def test_the_conference_was_registered_for_before_its_registration_closed(pfp30: Event) -> None:
    stamps = [registration.created_at for registration in pfp30.registrations]

    assert len(stamps) == 42
    assert max(stamps) < pfp30_specs.REGISTRATION_CLOSES_AT
    assert all(
        registration.confirmed_at == registration.created_at
        for registration in pfp30.registrations
        if registration.confirmed_at is not None
    )


def test_pfp30_has_its_name_and_titles_in_azerbaijani_and_russian(pfp30: Event) -> None:
    titles = {s.title: s for s in pfp30.sessions}
    energy = titles["Energy security in the European region"]

    assert translated(pfp30, "name", "az") == pfp30_specs.NAME_TRANSLATIONS["az"]
    assert translated(pfp30, "name", "ru") == pfp30_specs.NAME_TRANSLATIONS["ru"]
    assert translated(energy, "title", "az") == "Avropa regionunda enerji təhlükəsizliyi"
    assert translated(energy, "title", "ru") == "Энергетическая безопасность в европейском регионе"
    assert translated(energy, "abstract", "ru") == (
        "Роль Азербайджана в обеспечении энергетической безопасности европейского региона."
    )
    assert set(pfp30_specs.TITLE_TRANSLATIONS) == {spec.key for spec in pfp30_specs.SESSIONS}


CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
AZERBAIJANI_LETTERS = re.compile(r"[əğıöşçü]", re.IGNORECASE)


@pytest.mark.parametrize("slug", ["pfp30-baku", "baku-energy-security-workshop"])
@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_demo_event_and_session_is_translated(
    demo: dict[str, Event], slug: str, language: str
) -> None:
    event = demo[slug]
    texts: list[tuple[str, str, str]] = [
        (event.name, "name", event.translations[language]["name"]),
        (event.description, "description", event.translations[language]["description"]),
    ]
    for programme_session in event.sessions:
        own = programme_session.translations[language]
        texts.append((programme_session.title, "title", own["title"]))
        # An abstract where the session has one, and none made up where it has not.
        assert ("abstract" in own) == bool(programme_session.abstract), programme_session.title
        if programme_session.abstract:
            texts.append((programme_session.abstract, "abstract", own["abstract"]))

    for original, field, text in texts:
        assert text != original, f"{field} {original!r} is left in English"
        # Dates, years and numbers of seats survive translation.
        assert set(re.findall(r"\d+", original)) <= set(re.findall(r"\d+", text)), text
        if language == "ru":
            assert CYRILLIC.search(text), f"{field} {text!r} is not Russian"
    if language == "az":
        # The translations read as Azerbaijani: its own letters appear in every longer text.
        longer = [text for _, _, text in texts if len(text.split()) > 3]
        assert all(AZERBAIJANI_LETTERS.search(text) for text in longer), longer
