"""The speakers page and the page of the organisations and delegations taking part: who is
shown, with what, and who never is."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import Event
from tests.factories import baku
from tests.webapp.test_public_pages import (
    DEPARTMENT,
    MINISTRY,
    event,
    fixed_now,
    page,
    text_of,
    words_of,
)

__all__ = ["event", "fixed_now"]  # the fixtures, shared with the other public page tests

SPEAKERS = "/events/pfp30-baku/speakers"
PARTICIPANTS = "/events/pfp30-baku/participants"


@pytest.fixture
def cast(db: DbSession, event: Event, make_session, make_person) -> dict[str, object]:
    """A ministry's department head chairing, a NATO official speaking twice (once in a
    cancelled session), a panellist, a participant, and someone only in a closed meeting."""
    ministry = services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    department = services.create_organisation(
        db, name=DEPARTMENT, kind="government", country="AZ", parent=ministry
    )
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    secret = services.create_organisation(
        db, name="Quiet Ministry", kind="government", country="TR"
    )
    anar = make_person(given_name="Anar", family_name="Mutallimov", email="anar@example.org")
    anar_head = services.add_affiliation(db, anar, department, position_title="Acting Head")
    burcu = make_person(given_name="Burcu", family_name="San", email="burcu@example.org")
    burcu_nato = services.add_affiliation(
        db, burcu, nato, position_title="Deputy Assistant Secretary General for Operations"
    )
    panellist = make_person(honorific="Dr", given_name="Zeynep", family_name="Aydın")
    listener = make_person(given_name="Quiet", family_name="Listener")
    envoy = make_person(given_name="Hidden", family_name="Envoy")
    envoy_post = services.add_affiliation(db, envoy, secret, position_title="Envoy")

    opening = make_session(event, title="Opening", starts_at=baku(26, 9), ends_at=baku(26, 10))
    dropped = make_session(
        event, title="Dropped talk", starts_at=baku(26, 11), ends_at=baku(26, 12)
    )
    services.cancel_session(db, dropped)
    closed = make_session(event, title="Bilateral meeting", kind="meeting", visibility="closed",
                          starts_at=baku(25, 15), ends_at=baku(25, 16))  # fmt: skip
    draft = make_session(event, title="Idea", status="draft")
    services.assign_role(db, opening, anar, "chair", affiliation=anar_head)
    services.assign_role(db, opening, burcu, "speaker", affiliation=burcu_nato)
    services.assign_role(db, opening, panellist, "panellist")
    services.assign_role(db, opening, listener, "participant")
    services.assign_role(db, dropped, burcu, "moderator", affiliation=burcu_nato)
    services.assign_role(db, closed, envoy, "speaker", affiliation=envoy_post)
    services.assign_role(db, draft, envoy, "speaker", affiliation=envoy_post)
    return {"opening": opening, "dropped": dropped, "anar": anar, "burcu": burcu, "nato": nato,
            "ministry": ministry, "department": department}  # fmt: skip


def test_the_speakers_page_lists_people_with_roles_positions_and_sessions(client, cast) -> None:
    markup = text_of(page(client, SPEAKERS))
    text = words_of(markup)

    # By family name: Aydın, Mutallimov, San.
    assert text.index("Dr Zeynep Aydın") < text.index("Anar Mutallimov") < text.index("Burcu San")
    assert f"Anar Mutallimov Chair Acting Head, {DEPARTMENT}, {MINISTRY}" in text
    burcu = markup[markup.index(f'id="person-{cast["burcu"].id}"') :]
    assert 'Burcu San</h2> <p class="speaker-roles">Speaker, Moderator</p>' in burcu
    assert burcu.count("Deputy Assistant Secretary General for Operations, NATO") == 1
    assert f'href="/events/pfp30-baku/sessions/{cast["opening"].uuid}">Opening</a>' in burcu
    assert (
        f'<del><a href="/events/pfp30-baku/sessions/{cast["dropped"].uuid}">Dropped talk</a></del>'
        in burcu
    )
    assert '<strong class="status-cancelled">cancelled</strong>' in burcu
    assert '<time datetime="2024-11-26T09:00:00+04:00">26 November 2024, 09:00</time>' in burcu
    assert f'href="/events/pfp30-baku/speakers/{cast["burcu"].id}.ics"' in burcu


def test_the_speakers_page_leaves_out_participants_closed_sessions_and_addresses(
    client, cast
) -> None:
    text = page(client, SPEAKERS)

    assert "Quiet Listener" not in text  # a participant, not a speaker
    assert "Hidden Envoy" not in text  # only in a closed meeting and a draft
    assert "Bilateral meeting" not in text
    assert "@example.org" not in text


def test_the_speakers_page_without_speakers(client, event) -> None:
    assert "No speakers have been announced yet." in page(client, SPEAKERS)


def test_the_session_page_links_its_speakers(client, cast) -> None:
    markup = page(client, f"/events/pfp30-baku/sessions/{cast['opening'].uuid}")

    assert (
        f'href="/events/pfp30-baku/speakers#person-{cast["anar"].id}">Anar Mutallimov</a>' in markup
    )
    assert '<span class="person">Quiet Listener</span>' in markup


def test_the_participants_page_groups_organisations_by_kind_and_country(
    client, db, event, cast, make_registration, make_person
) -> None:
    university = services.create_organisation(
        db, name="ADA University", kind="academia", country="AZ"
    )
    student = make_person(
        given_name="Registered", family_name="Student", email="student@example.org"
    )
    enrolled = services.add_affiliation(db, student, university, position_title="Student")
    registration = make_registration(event, given_name="Registered", family_name="Student",
                                      email="student@example.org")  # fmt: skip
    registration.affiliation = enrolled
    unconfirmed = services.create_organisation(db, name="Undecided Institute", kind="think_tank")
    doubter = make_registration(event, confirm=False)
    doubter.affiliation = services.add_affiliation(db, doubter.person, unconfirmed)
    db.flush()

    markup = text_of(page(client, PARTICIPANTS))
    text = words_of(markup)

    governments = text.index("Governments")
    international = text.index("International organisations")
    academia = text.index("Universities and research institutes")
    assert governments < international < academia
    assert f"Country: Azerbaijan {MINISTRY} {DEPARTMENT}" in text
    assert "NATO" in text[international:academia]
    assert "ADA University" in text[academia:]
    assert "Undecided Institute" not in text  # the registration is not confirmed
    assert "Quiet Ministry" not in text  # only in a closed meeting
    assert "Registered Student" not in text  # attendees are not named
    assert "@example.org" not in markup
    assert "No delegations have been announced." in text


@pytest.mark.parametrize(
    ("language", "countries"),
    [
        ("en", ["Algeria", "Azerbaijan", "Chad", "France", "Germany", "United Kingdom"]),
        ("az", ["Almaniya", "Azərbaycan", "Birləşmiş Krallıq", "Çad", "Əlcəzair", "Fransa"]),
        ("ru", ["Азербайджан", "Алжир", "Великобритания", "Германия", "Франция", "Чад"]),
    ],
)
def test_the_participants_page_names_countries_in_its_language(
    client, db, cast, make_person, language: str, countries: list[str]
) -> None:
    # In the order of their codes (AZ, DE, DZ, FR, GB, TD) the names are in no language's
    # order; Azerbaijani puts Ç after C and Ə after E, where their code points do not.
    capitals = {"DE": "Berlin", "DZ": "Algiers", "FR": "Paris", "GB": "London", "TD": "Ndjamena"}
    for code, city in capitals.items():
        ministry = services.create_organisation(
            db, name=f"{city} Ministry", kind="government", country=code
        )
        envoy = make_person(given_name=city, family_name="Envoy")
        post = services.add_affiliation(db, envoy, ministry, position_title="Envoy")
        services.assign_role(db, cast["opening"], envoy, "panellist", affiliation=post)

    markup = page(client, f"{PARTICIPANTS}?lang={language}")

    assert re.findall(r'<span class="country">([^<]*)</span>', markup) == countries


def test_the_participants_page_shows_delegations_with_head_and_members(
    client, db, event, cast, make_person
) -> None:
    member = make_person(given_name="Elchin", family_name="Abdullayev", honorific="Colonel")
    services.create_delegation(
        db, event, name="Delegation of NATO", head=cast["burcu"], members=[member],
        organisation=cast["nato"],
    )  # fmt: skip

    text = words_of(page(client, PARTICIPANTS))

    assert (
        "Delegation of NATO NATO Head of delegation: Burcu San "
        "Members of the delegation: Colonel Elchin Abdullayev"
    ) in text
    assert text.index("Delegations Delegation of NATO") < text.index("Organisations Governments")


def test_the_participants_page_of_an_event_without_anyone(client, event) -> None:
    text = words_of(page(client, PARTICIPANTS))

    assert "No delegations have been announced." in text
    assert "No organisations have been announced yet." in text
