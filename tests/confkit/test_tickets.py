"""Signed ticket payloads: what a door scanner reads from the QR code, checked without the
database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, Registration
from confkit.tickets import PREFIX, TicketClaim, TicketRefused, read_ticket, ticket_payload

SECRET = "a secret key of the instance"


@pytest.fixture
def registration(
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> Registration:
    return make_registration(open_event_for_registration(capacity=10))


def test_a_ticket_reads_back_as_what_it_was_made_from(registration: Registration) -> None:
    payload = ticket_payload(registration, SECRET)

    claim = read_ticket(payload, SECRET)

    assert claim == TicketClaim(registration.event_id, registration.id, 1)
    prefix, event_id, registration_id, generation, signature = payload.split(".")
    assert (prefix, event_id, registration_id, generation) == (
        PREFIX,
        str(registration.event_id),
        str(registration.id),
        "1",
    )
    # 128 bits in unpadded URL-safe base64: small enough for a QR code read in poor light.
    assert len(signature) == 22
    assert set(signature) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # What the scanner adds around the text does not matter.
    assert read_ticket(f"  {payload}\n", SECRET) == claim
    # A key given as bytes is the same key.
    assert read_ticket(payload, SECRET.encode()) == claim
    assert ticket_payload(registration, SECRET.encode()) == payload


@pytest.mark.parametrize("part", [1, 2, 3])
def test_an_altered_number_is_refused(registration: Registration, part: int) -> None:
    parts = ticket_payload(registration, SECRET).split(".")
    parts[part] = str(int(parts[part]) + 1)

    with pytest.raises(TicketRefused, match="signature"):
        read_ticket(".".join(parts), SECRET)


def test_an_altered_signature_is_refused(registration: Registration) -> None:
    payload = ticket_payload(registration, SECRET)
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")

    with pytest.raises(TicketRefused, match="signature"):
        read_ticket(flipped, SECRET)


def test_a_ticket_signed_with_another_key_is_refused(registration: Registration) -> None:
    payload = ticket_payload(registration, "the key of another instance")

    with pytest.raises(TicketRefused, match="signature"):
        read_ticket(payload, SECRET)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "CK1",
        "CK1.1.2.3",
        "CK1.1.2.3.sig.extra",
        "CK2.1.2.3.AAAAAAAAAAAAAAAAAAAAAA",
        "https://example.org/not-a-ticket",
        # Non-ASCII text from a QR code used to reach compare_digest, which raised TypeError.
        "CK1.1.2.3.ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ",
        "CK1.١.٢.٣.AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_anything_that_is_not_a_ticket_is_refused(payload: str) -> None:
    with pytest.raises(TicketRefused):
        read_ticket(payload, SECRET)


@given(st.text())
def test_any_text_is_refused_with_ticket_refused_and_nothing_else(text: str) -> None:
    with pytest.raises(TicketRefused):
        read_ticket(text, SECRET)


@given(st.text(st.sampled_from("CK1.0123456789-_abcXYZ"), max_size=40))
def test_text_shaped_like_a_ticket_is_refused_too(text: str) -> None:
    with pytest.raises(TicketRefused):
        read_ticket(text, SECRET)


def test_a_new_generation_makes_a_new_ticket_and_the_old_one_is_told_apart(
    db: DbSession, registration: Registration
) -> None:
    old = ticket_payload(registration, SECRET)

    registration.ticket_generation += 1
    db.flush()
    new = ticket_payload(registration, SECRET)

    assert new != old
    assert read_ticket(new, SECRET).generation == 2
    # The old ticket is still genuine; only the database can say it was replaced, by its
    # generation being behind the registration's.
    old_claim = read_ticket(old, SECRET)
    assert old_claim.generation == 1 < registration.ticket_generation


def test_an_empty_key_signs_and_checks_nothing(registration: Registration) -> None:
    with pytest.raises(ValueError, match="empty"):
        ticket_payload(registration, "")
    payload = ticket_payload(registration, SECRET)
    with pytest.raises(ValueError, match="empty"):
        read_ticket(payload, b"")


def test_a_registration_not_yet_stored_has_no_ticket(registration: Registration) -> None:
    unsaved = Registration(event_id=registration.event_id, ticket_generation=1)

    with pytest.raises(ValueError, match="stored"):
        ticket_payload(unsaved, SECRET)
