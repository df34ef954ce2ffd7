"""People, organisations, affiliations and delegations through the organiser services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.models import Organisation, OrganisationKind, Person


def test_names_in_any_script_are_kept_exactly(db: DbSession) -> None:
    names = [
        ("Elçin", "Abdullayev"),
        ("Şəhla", "Ağayeva"),
        ("Анар", "Муталлимов"),
        ("Gülşen", "Öztürk"),
        ("İlkin", "Qəribov"),
    ]
    people = [services.create_person(db, given_name=g, family_name=f) for g, f in names]
    db.flush()
    db.expire_all()
    assert [(p.given_name, p.family_name) for p in people] == names


def test_person_needs_a_family_name_and_a_plausible_unique_email(db: DbSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_person(db, given_name="Burcu", family_name="", email="no-at-sign")
    assert raised.value.fields == {"family_name", "email"}
    services.create_person(db, given_name="Burcu", family_name="San", email="b.san@EXAMPLE.int")
    with pytest.raises(ValidationError) as raised:
        services.create_person(db, given_name="B", family_name="S", email="b.san@example.INT")
    assert raised.value.fields == {"email"}
    assert db.scalar(select(func.count()).select_from(Person)) == 1


def test_display_name_carries_the_honorific(db: DbSession) -> None:
    colonel = services.create_person(
        db, honorific="Colonel", given_name="Elchin", family_name="Abdullayev"
    )
    assert colonel.display_name == "Colonel Elchin Abdullayev"


def test_departments_sit_inside_their_ministry(db: DbSession) -> None:
    ministry = services.create_organisation(
        db,
        name="Ministry of Foreign Affairs of the Republic of Azerbaijan",
        kind="government",
        country="AZ",
    )
    department = services.create_organisation(
        db,
        name="Military-Political Affairs Department",
        kind=OrganisationKind.GOVERNMENT,
        country="AZ",
        parent=ministry,
    )
    assert department.parent is ministry
    assert ministry.departments == [department]
    assert department.full_name == (
        "Military-Political Affairs Department, "
        "Ministry of Foreign Affairs of the Republic of Azerbaijan"
    )


def test_organisation_rules(db: DbSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_organisation(db, name="", kind="club", country="Azerbaijan", parent=123456)
    assert raised.value.fields == {"name", "kind", "country", "parent"}
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0
    top = services.create_organisation(db, name="Top", kind="government", country="AZ")
    middle = services.create_organisation(db, name="Middle", kind="government", parent=top)
    with pytest.raises(ValidationError) as raised:
        services.update_organisation(db, top, parent=middle)
    assert raised.value.fields == {"parent"}
    assert top.parent is None
    services.update_organisation(db, middle, name="Renamed", short_name="R")
    assert (middle.name, middle.short_name, middle.parent) == ("Renamed", "R", top)


def test_affiliations_label_and_period(db: DbSession) -> None:
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    san = services.create_person(db, given_name="Burcu", family_name="San")
    post = services.add_affiliation(
        db,
        san,
        nato,
        position_title="Deputy Assistant Secretary General for Operations",
        starts_on=date(2024, 1, 1),
    )
    assert san.affiliations == [post]
    assert post.label == "Deputy Assistant Secretary General for Operations, NATO"
    with pytest.raises(ValidationError) as raised:
        services.update_affiliation(db, post, ends_on=date(2023, 1, 1))
    assert raised.value.fields == {"ends_on"}
    with pytest.raises(ValidationError) as raised:
        services.add_affiliation(db, 99999999, 99999999)
    assert raised.value.fields == {"person", "organisation"}


def test_retitling_a_position_reaches_the_sessions_that_show_it(
    db, make_event, make_session
) -> None:
    event = make_event()
    talk = make_session(event)
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    san = services.create_person(db, given_name="Burcu", family_name="San")
    post = services.add_affiliation(db, san, nato, position_title="Deputy Assistant")
    services.assign_role(db, talk, san, "speaker", affiliation=post)
    before = talk.sequence
    services.update_affiliation(db, post, position_title="Assistant Secretary General")
    assert talk.sequence == before + 1


def test_delegation_head_is_always_a_member(db, make_event, make_person) -> None:
    event = make_event()
    head, member = make_person(family_name="San"), make_person(family_name="Staff")
    delegation = services.create_delegation(
        db, event, name="NATO delegation", head=head, members=[member]
    )
    assert delegation.head is head
    assert set(delegation.members) == {head, member}
    newcomer = make_person()
    services.update_delegation(db, delegation, head=newcomer, members=[member])
    assert delegation.head is newcomer
    assert set(delegation.members) == {newcomer, member}
    with pytest.raises(ValidationError) as raised:
        services.create_delegation(db, event, name="", members=[member, 424242])
    assert raised.value.fields == {"name", "members[1]"}


def test_a_bio_with_a_control_character_is_refused(db: DbSession) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_person(db, given_name="Burcu", family_name="San", bio="bad\x00byte")
    assert refused.value.fields == {"bio"}
