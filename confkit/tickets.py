"""Ticket payloads: what the QR code on a ticket holds, signed so a device can check it alone.

A payload reads ``CK1.<event id>.<registration id>.<ticket generation>.<signature>``; the
signature is an HMAC-SHA256 over the rest with the instance's secret key, so a forged or altered
ticket is refused without the database. Asking for a new link raises the registration's ticket
generation, which revokes every earlier ticket (that check needs the database).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from confkit.models import Registration

PREFIX = "CK1"
# 128 bits of the HMAC: far beyond guessing, and short enough for a small QR code.
SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class TicketClaim:
    """What a ticket with a valid signature says."""

    event_id: int
    registration_id: int
    generation: int


class TicketRefused(ValueError):
    """The payload is not a ticket signed with this key."""


def ticket_payload(registration: Registration, secret_key: str | bytes) -> str:
    """The text of the registration's ticket QR code. Raises ValueError for a registration not
    yet stored (it has no id to put on the ticket) or an empty key."""
    if registration.id is None or registration.event_id is None:
        raise ValueError("the registration must be stored before it has a ticket")
    body = f"{PREFIX}.{registration.event_id}.{registration.id}.{registration.ticket_generation}"
    return f"{body}.{_sign(body, secret_key)}"


def read_ticket(payload: str, secret_key: str | bytes) -> TicketClaim:
    """Check the signature and read the ticket. Raises TicketRefused for anything else, and
    ValueError for an empty key."""
    # A scanner reads any QR code: anything but ASCII is refused before it reaches
    # compare_digest, which raises TypeError for str with other characters.
    if not payload.isascii():
        raise TicketRefused("not a confkit ticket")
    parts = payload.strip().split(".")
    if len(parts) != 5 or parts[0] != PREFIX:
        raise TicketRefused("not a confkit ticket")
    body, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(signature, _sign(body, secret_key)):
        raise TicketRefused("the ticket's signature is wrong: it was altered or forged")
    try:
        event_id, registration_id, generation = (int(p) for p in parts[1:4])
    except ValueError:
        raise TicketRefused("not a confkit ticket") from None
    return TicketClaim(event_id, registration_id, generation)


def _sign(body: str, secret_key: str | bytes) -> str:
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    if not key:
        # An empty key signs nothing: anyone could make a valid ticket.
        raise ValueError("the secret key is empty")
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
