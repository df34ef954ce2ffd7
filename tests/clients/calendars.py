"""Taking feeds apart: into calendar objects with their bytes kept, and into parsed VEVENTs."""

from __future__ import annotations

import icalendar

from tests.clients.programmes import Shown

CRLF = b"\r\n"
# What a calendar object resource keeps of the feed's own properties; METHOD is not allowed in
# one (RFC 4791, 4.1), and the feed's name and refresh interval mean nothing there.
KEPT_CALENDAR_PROPERTIES = (b"VERSION:", b"PRODID:", b"CALSCALE:")


def split_feed(data: bytes) -> dict[str, bytes]:
    """Each VEVENT of a feed as a calendar object of its own, by UID, with the feed's VTIMEZONEs.

    The split works on the lines themselves, so every VEVENT keeps the feed's exact bytes (its
    folding and escaping included) rather than a parser's re-serialisation.
    """
    assert data.endswith(CRLF), "the feed does not end with CRLF"
    # Logical lines: a physical line starting with a space or tab continues the one before.
    logical: list[list[bytes]] = []
    for line in data[: -len(CRLF)].split(CRLF):
        if line[:1] in (b" ", b"\t"):
            logical[-1].append(line)
        else:
            logical.append([line])
    header: list[bytes] = []
    timezones: list[bytes] = []
    events: list[list[list[bytes]]] = []
    block: list[list[bytes]] | None = None
    for lines in logical:
        first = lines[0]
        if first in (b"BEGIN:VTIMEZONE", b"BEGIN:VEVENT"):
            block = []
        if block is not None:
            block.append(lines)
            if first == b"END:VTIMEZONE":
                timezones.extend(line for lines in block for line in lines)
                block = None
            elif first == b"END:VEVENT":
                events.append(block)
                block = None
        elif first.startswith(KEPT_CALENDAR_PROPERTIES):
            header.extend(lines)
    objects: dict[str, bytes] = {}
    for event in events:
        uid_line = next(unfold(lines) for lines in event if lines[0].startswith(b"UID:"))
        uid = uid_line[len(b"UID:") :].decode()
        assert uid not in objects, f"UID {uid} occurs twice"
        body = [line for lines in event for line in lines]
        objects[uid] = (
            CRLF.join([b"BEGIN:VCALENDAR", *header, *timezones, *body, b"END:VCALENDAR"]) + CRLF
        )
    return objects


def unfold(lines: list[bytes]) -> bytes:
    """One content line from its physical lines."""
    return lines[0] + b"".join(line[1:] for line in lines[1:])


def vevents(data: bytes) -> dict[str, icalendar.Event]:
    """Each VEVENT of a calendar by UID, parsed by icalendar."""
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events), "a UID occurs twice"
    return by_uid


def shown(vevent: icalendar.Event) -> Shown:
    """What a VEVENT parsed by icalendar shows of its session."""
    return Shown.of(vevent["DTSTART"].dt, vevent["DTEND"].dt, vevent["STATUS"], vevent["SEQUENCE"])


def read_with_icalendar(data: bytes) -> dict[str, Shown]:
    """Each VEVENT of a calendar by UID, as the icalendar library reads it."""
    return {uid: shown(vevent) for uid, vevent in vevents(data).items()}
