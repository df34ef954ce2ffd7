"""iCalendar feeds (RFC 5545, with RFC 7986 calendar properties) of programme sessions.

Pure functions: schedule slots, the calendar's description and a base URL in; bytes out.
Every stamp in the output comes from the data (a session's modification time), never from the
clock, so an unchanged programme renders byte for byte the same and clients re-import nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Timezone, vDuration, vText
from icalendar import Event as VEvent

from confkit.models import Event, ProgrammeSession, SessionKind, SessionStatus
from confkit.schedule import ScheduleSlot

PRODUCT_ID = "-//confkit//confkit programme feed//EN"
DEFAULT_REFRESH = timedelta(hours=1)
# Everything below U+0020 but TAB and LF (which TEXT escaping handles), and DEL: no client
# expects them and some reject the whole feed for one.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Breaks and receptions do not make a person busy in their own calendar.
_FREE_TIME_KINDS = frozenset({SessionKind.BREAK, SessionKind.RECEPTION})
_ROLE_LABELS = {
    "speaker": "Speaker",
    "chair": "Chair",
    "moderator": "Moderator",
    "panellist": "Panellist",
    "participant": "Participant",
}


@dataclass(frozen=True)
class FeedInfo:
    """What a calendar app shows about the feed itself."""

    name: str
    description: str
    url: str
    refresh: timedelta = DEFAULT_REFRESH


def session_uid(programme_session: ProgrammeSession, base_url: str) -> str:
    """The session's iCal UID, the same in every feed: ``<uuid>@<host>``."""
    return f"{programme_session.uuid}@{_host(base_url)}"


def session_url(programme_session: ProgrammeSession, base_url: str) -> str:
    """The public page of a session."""
    event_page = event_url(programme_session.event, base_url)
    return f"{event_page}sessions/{programme_session.uuid}"


def event_url(event: Event, base_url: str) -> str:
    """The public page of an event."""
    return f"{base_url.rstrip('/')}/events/{event.slug}/"


def render_calendar(feed: FeedInfo, slots: Sequence[ScheduleSlot], *, base_url: str) -> bytes:
    """The feed as iCalendar bytes: CRLF lines folded at 75 octets, TEXT values escaped."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("calscale", "GREGORIAN")
    # icalendar escapes TEXT only for the properties it knows: NAME and the X-WR- ones are
    # marked as TEXT here, or a newline or comma in a name would break the feed.
    calendar.add("method", "PUBLISH")
    calendar.add("name", vText(clean_text(feed.name)))
    calendar.add("x-wr-calname", vText(clean_text(feed.name)))
    calendar.add("description", clean_text(feed.description))
    calendar.add("x-wr-caldesc", vText(clean_text(feed.description)))
    calendar.add("url", feed.url, parameters={"VALUE": "URI"})
    calendar.add("refresh-interval", vDuration(feed.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(feed.refresh))
    events = _events_of(slots)
    zones = _zones_used(events.values())
    if zones:
        calendar.add("x-wr-timezone", next(iter(zones)))
    for zone_name, (first, last) in zones.items():
        calendar.add_component(Timezone.from_tzid(zone_name, first_date=first, last_date=last))
    host = _host(base_url)
    places = {
        event_id: _EventPlace(event_url(event, base_url), _venue_label(event))
        for event_id, event in events.items()
    }
    for slot in slots:
        calendar.add_component(_vevent(slot, host, places[slot.session.event_id]))
    return bytes(calendar.to_ical())


def render_event_calendar(event: Event, *, base_url: str) -> bytes:
    """The event itself as one all-day entry, for attaching to a confirmation mail.

    Its UID is the event's own, never a session's, so importing it next to a programme feed
    adds one entry and duplicates nothing.
    """
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}@{_host(base_url)}")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("dtstart", event.starts_on)
    # DTEND of an all-day entry is the day after the last one (RFC 5545, 3.6.1).
    vevent.add("dtend", event.ends_on + timedelta(days=1))
    vevent.add("summary", clean_text(event.name))
    page = event_url(event, base_url)
    description = "\n\n".join(p for p in (event.description.strip(), page) if p)
    vevent.add("description", clean_text(description))
    venue = _venue_label(event)
    if venue:
        vevent.add("location", clean_text(venue))
    vevent.add("url", page, parameters={"VALUE": "URI"})
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def clean_text(value: str) -> str:
    """``value`` without control characters; line breaks become LF, which TEXT escapes as \\n."""
    # CR is among the control characters, so text without any (nearly all) is returned as is.
    if _CONTROL.search(value) is None:
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass(frozen=True)
class _EventPlace:
    """What every session of one event shares in a feed, worked out once per event."""

    page_url: str
    venue: str


def _vevent(slot: ScheduleSlot, host: str, place: _EventPlace) -> VEvent:
    programme_session = slot.session
    url = f"{place.page_url}sessions/{programme_session.uuid}"
    vevent = VEvent()
    vevent.add("uid", f"{programme_session.uuid}@{host}")
    vevent.add("dtstamp", programme_session.modified_at)
    vevent.add("created", programme_session.created_at)
    vevent.add("last-modified", programme_session.modified_at)
    vevent.add("sequence", programme_session.sequence)
    # The slot's times are already in the event's zone, so they are written with its TZID.
    vevent.add("dtstart", slot.starts_at)
    vevent.add("dtend", slot.ends_at)
    vevent.add("summary", clean_text(programme_session.title))
    vevent.add("description", clean_text(_description(slot, url)))
    location = ", ".join(p for p in (slot.room.name if slot.room else "", place.venue) if p)
    if location:
        vevent.add("location", clean_text(location))
    categories = [slot.track.name] if slot.track is not None else []
    categories.append(programme_session.kind.value.capitalize())
    vevent.add("categories", [clean_text(c) for c in categories])
    vevent.add("url", url, parameters={"VALUE": "URI"})
    cancelled = programme_session.status is SessionStatus.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    free = cancelled or programme_session.kind in _FREE_TIME_KINDS
    vevent.add("transp", "TRANSPARENT" if free else "OPAQUE")
    return vevent


def _description(slot: ScheduleSlot, url: str) -> str:
    parts = []
    if slot.session.abstract.strip():
        parts.append(slot.session.abstract.strip())
    people = [
        f"{_ROLE_LABELS[holder.role.value]}: {holder.person.display_name}"
        + (f", {holder.affiliation}" if holder.affiliation else "")
        for holder in slot.people
    ]
    if people:
        parts.append("\n".join(people))
    parts.append(url)
    return "\n\n".join(parts)


def _venue_label(event: Event) -> str:
    """ "Venue, City", the part of a session's location every session of the event shares."""
    venue = event.venue
    if venue is None:
        return ""
    if venue.city and venue.city not in venue.name:
        return f"{venue.name}, {venue.city}"
    return venue.name


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def _events_of(slots: Iterable[ScheduleSlot]) -> dict[int, Event]:
    """The events the slots belong to, by id, each looked at once."""
    events: dict[int, Event] = {}
    for slot in slots:
        if slot.session.event_id not in events:
            events[slot.session.event_id] = slot.session.event
    return events


def _zones_used(events: Iterable[Event]) -> dict[str, tuple[date, date]]:
    """Each zone the feed's events are in, with the first and last date it must cover."""
    spans: dict[str, list[date]] = defaultdict(list)
    for event in events:
        spans[event.timezone] += [event.starts_on, event.ends_on]
    # One day's margin each side: a session's local date can differ from its UTC date.
    return {
        zone: (min(days) - timedelta(days=1), max(days) + timedelta(days=2))
        for zone, days in spans.items()
    }
