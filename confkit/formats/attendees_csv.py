"""The attendee list as a CSV file for spreadsheets: one row per registration, then one column
per question of the event's own.

A pure renderer: an ``AttendeeSheet`` in, bytes out (``confkit.services.attendee_data`` reads the
sheet in a fixed number of queries). The file holds personal data: it is for the organisers and
is never a public feed.

Excel reads a CSV file in the system's code page unless it starts with a byte order mark, which
would garble Azerbaijani and Cyrillic names, so the file is UTF-8 with a BOM. Rows end in CRLF
and fields are quoted as RFC 4180 says. Instants are ISO 8601 in the event's time zone.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a
leading tab or carriage return can hide such a start, so every such cell, headers included, gets
a leading single quote (OWASP's advice on CSV injection): anyone can type their name or an
answer, and the organiser opening the file must not run what they typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from confkit.models import (
    Affiliation,
    Event,
    QuestionKind,
    Registration,
    RegistrationQuestion,
)
from confkit.schedule import event_zone

HEADERS = (
    "Given name",
    "Family name",
    "Honorific",
    "Email",
    "Organisation",
    "Position",
    "Category",
    "Status",
    "Waiting-list position",
    "Registered",
    "Confirmed",
    "Checked in",
    "Delegation",
)
# What joins the choices of a multiple-choice answer in one cell.
CHOICE_SEPARATOR = "; "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AttendeeSheet:
    """What the attendee list shows, all read beforehand so rendering needs no database.

    ``registrations`` come with their person (and the person's affiliations), affiliation and
    delegation loaded, in the order of the rows; ``organisation_names`` holds each organisation's
    name with its parents ("Department, Ministry") by id; ``waitlist_positions`` holds 1 for the
    longest-waiting registration, by id.
    """

    event: Event
    questions: Sequence[RegistrationQuestion]
    registrations: Sequence[Registration]
    organisation_names: Mapping[int, str]
    waitlist_positions: Mapping[int, int]


def render_attendees_csv(sheet: AttendeeSheet) -> bytes:
    """The sheet as CSV: UTF-8 with a byte order mark, CRLF rows, formulas neutralised."""
    zone = event_zone(sheet.event)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = [*HEADERS, *(question.label for question in sheet.questions)]
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for registration in sheet.registrations:
        cells = _registration_cells(registration, sheet, zone)
        cells += [
            answer_text(question, registration.answers.get(question.key))
            for question in sheet.questions
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue().encode("utf-8-sig")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a leading single quote if a spreadsheet would take it for a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def answer_text(question: RegistrationQuestion, answer: Any) -> str:
    """An answer as one cell: choices joined with "; ", a checkbox as yes or no."""
    if question.kind is QuestionKind.CHECKBOX:
        # An unticked box is not stored at all, so a missing answer is a no.
        return "yes" if answer is True else "no"
    if answer is None:
        return ""
    if isinstance(answer, list):
        return CHOICE_SEPARATOR.join(str(choice) for choice in answer)
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return str(answer)


def attendee_affiliation(registration: Registration, on: date) -> Affiliation | None:
    """The position the row shows: the one given when registering, else the person's first
    position held on ``on`` (the event's first day), else none."""
    if registration.affiliation is not None:
        return registration.affiliation
    # Organisers add people without choosing a position; the person's own records stand in.
    for affiliation in registration.person.affiliations:
        started = affiliation.starts_on is None or affiliation.starts_on <= on
        ongoing = affiliation.ends_on is None or affiliation.ends_on >= on
        if started and ongoing:
            return affiliation
    return None


def _registration_cells(
    registration: Registration, sheet: AttendeeSheet, zone: ZoneInfo
) -> list[str]:
    person = registration.person
    affiliation = attendee_affiliation(registration, sheet.event.starts_on)
    delegation = registration.delegation
    position = sheet.waitlist_positions.get(registration.id)
    return [
        person.given_name,
        person.family_name,
        person.honorific,
        person.email or "",
        sheet.organisation_names.get(affiliation.organisation_id, "") if affiliation else "",
        affiliation.position_title if affiliation else "",
        registration.category.value,
        registration.status.value,
        str(position) if position is not None else "",
        _instant(registration.created_at, zone),
        _instant(registration.confirmed_at, zone),
        _instant(registration.checked_in_at, zone),
        delegation.name if delegation else "",
    ]


def _instant(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""
