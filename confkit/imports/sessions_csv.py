"""Import programme sessions from a CSV file, one session a row, through the services.

Columns (header names in any case and spacing; only title, start and end are required):
``title``, ``kind`` (talk when blank), ``date`` (2024-11-26), ``start`` and ``end`` (10:00 on
that date, in the event's time zone, or a full ISO date and time such as 2024-11-26T10:00 or
2024-11-26T10:00+04:00), ``room`` (its slug or name), ``track`` (its slug or name),
``status`` (scheduled when blank), ``visibility`` (public when blank), ``language``,
``abstract``, ``capacity`` (the sign-up capacity), ``expected audience``, and the people:
``speakers``, ``chairs``, ``moderators``, ``panellists``, ``participants``, each a list
separated by ``;`` of ``Given Family <email>``, an address alone, or a name alone.

Every row creates a new session; the import never changes one already in the programme, and a
row with the title and start of a session already there is refused, so a file imported twice
creates nothing twice. A room must already exist: rooms are set up on purpose, with their
capacity, and a misspelt room must not become a new one. A track that does not exist is created
(a track is only a label). A person is found by address, else (without an address) by name, and
created if not found; an address alone creates nobody, as a person needs a name.

Clashes (a room or a person booked twice at once, a time outside the event's days) are checked
by the programme services, against the programme and against the file's own rows, and name the
other session and, when it is in the file, its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ConflictError, Problem, ValidationError
from confkit.i18n import N_, Counted, Listed, Phrase, TimeSpan
from confkit.imports.csv_table import (
    MAX_ROWS,
    CsvRow,
    CsvSource,
    Words,
    choice_cell,
    header_key,
    read_csv,
    whole_number_cell,
)
from confkit.imports.people import (
    existing_persons,
    free_slug,
    person_by_email,
    split_display_name,
)
from confkit.imports.plan import (
    ALONE,
    CLASH,
    IN_COLUMN,
    IN_FIELD,
    ImportPlan,
    Progress,
    RowOutcome,
    plan_import,
)
from confkit.models import (
    Event,
    Person,
    ProgrammeSession,
    RoleKind,
    Room,
    SessionKind,
    SessionStatus,
    Track,
    Visibility,
)
from confkit.services import add_session, add_track, create_person

ROLE_COLUMNS = {
    "speakers": RoleKind.SPEAKER,
    "chairs": RoleKind.CHAIR,
    "moderators": RoleKind.MODERATOR,
    "panellists": RoleKind.PANELLIST,
    "participants": RoleKind.PARTICIPANT,
}
_HEADERS = {
    "title": ("title", "session", "session title"),
    "kind": ("kind", "type", "session kind"),
    "date": ("date", "day"),
    "start": ("start", "starts", "starts at", "start time", "from"),
    "end": ("end", "ends", "ends at", "end time", "to", "until"),
    "room": ("room", "location"),
    "track": ("track",),
    "status": ("status",),
    "visibility": ("visibility",),
    "language": ("language", "lang"),
    "abstract": ("abstract", "description"),
    "capacity": ("capacity", "sign up capacity", "signup capacity", "seats"),
    "expected audience": ("expected audience", "audience"),
    "speakers": ("speakers", "speaker"),
    "chairs": ("chairs", "chair"),
    "moderators": ("moderators", "moderator"),
    "panellists": ("panellists", "panellist", "panelists", "panelist"),
    "participants": ("participants", "participant"),
}
COLUMNS = {header_key(alias): name for name, aliases in _HEADERS.items() for alias in aliases}
REQUIRED = ("title", "start", "end")
# Service field names as the file's columns call them.
_COLUMN_OF_FIELD = {
    "starts_at": "start",
    "ends_at": "end",
    "signup_capacity": "capacity",
    "expected_audience": "expected audience",
}
PEOPLE_SEPARATOR = ";"
_ADDRESSED = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]+)>$")
_CLOCK = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?$")
_HAS_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")


def preview_sessions_csv(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """What importing the file would do, row by row, checked exactly as the import checks it;
    nothing is kept. Raises ValidationError when the file cannot be read at all."""
    return _run(
        db,
        event,
        source,
        keep=False,
        delimiter=delimiter,
        max_rows=max_rows,
        progress=progress,
        now=now,
    )


def import_sessions_csv(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportPlan:
    """Add every row of the file to the event's programme, in the caller's transaction.

    Raises ValidationError naming the line of every problem: then nothing is kept.
    """
    return _run(
        db,
        event,
        source,
        keep=True,
        delimiter=delimiter,
        max_rows=max_rows,
        progress=progress,
        now=now,
    )


def _run(
    db: DbSession,
    event: Event,
    source: CsvSource,
    *,
    keep: bool,
    delimiter: str | None,
    max_rows: int,
    progress: Progress | None,
    now: datetime | None,
) -> ImportPlan:
    table = read_csv(
        source, columns=COLUMNS, required=REQUIRED, delimiter=delimiter, max_rows=max_rows
    )
    rows = _SessionRows(db, event, now or clock.now())
    return plan_import(db, table, rows.apply, keep=keep, progress=progress)


@dataclass
class _SessionRows:
    """Applies rows to one event's programme, remembering which line made which session."""

    db: DbSession
    event: Event
    now: datetime
    lines: dict[int, int] = field(default_factory=dict)
    # Persons found or created so far, by address and by name: most rows name people again.
    known: dict[str, Person] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.event.timezone)

    def apply(self, row: CsvRow, outcome: RowOutcome) -> None:
        problems = outcome.problems
        title = row.get("title")
        if not title:
            problems.append(Phrase(N_("title is empty")))
        starts_at, ends_at = self._times(row, problems)
        kind = choice_cell(row, "kind", SessionKind, SessionKind.TALK, problems)
        status = choice_cell(row, "status", SessionStatus, SessionStatus.SCHEDULED, problems)
        visibility = choice_cell(row, "visibility", Visibility, Visibility.PUBLIC, problems)
        capacity = whole_number_cell(row, "capacity", problems)
        audience = whole_number_cell(row, "expected audience", problems)
        room = self._room(row.get("room"), problems)
        people = [
            (role, entry.strip())
            for column, role in ROLE_COLUMNS.items()
            for entry in row.get(column).split(PEOPLE_SEPARATOR)
            if entry.strip()
        ]
        if problems:
            return
        assert starts_at is not None
        assert ends_at is not None
        already = self._already_there(title, starts_at)
        if already:
            problems.append(already)
            return
        track = self._track(row.get("track"), outcome)
        roles: list[tuple[Person, RoleKind]] = []
        entries: list[str] = []
        for role, entry in people:
            person = self._person(entry, outcome)
            if person is not None:
                roles.append((person, role))
                entries.append(entry)
        try:
            result = add_session(
                self.db,
                self.event,
                title=title,
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                room=room,
                track=track,
                abstract=row.get("abstract"),
                language=row.get("language") or None,
                status=status,
                visibility=visibility,
                signup_capacity=capacity,
                expected_audience=audience,
                roles=roles,
                now=self.now,
            )
        except ValidationError as error:
            problems += [self._problem(p, entries) for p in error.problems]
            return
        except ConflictError as error:
            problems += self._clashes(error)
            return
        created = result.session
        if problems:
            return
        self.db.flush()
        self.lines[created.id] = row.line
        outcome.created["sessions"] += 1
        # A warning is said on its own: the row is its place.
        outcome.notes += [Phrase(ALONE, problem=w) for w in result.warnings]
        outcome.summary = self._describe(created, len(people))

    def _problem(self, problem: Problem, entries: list[str]) -> Words:
        """A service's problem in the file's words: a role by the person's entry in its cell."""
        if problem.field.startswith("roles."):
            entry = entries[int(problem.field.removeprefix("roles."))]
            return Phrase(IN_FIELD, field=entry, problem=problem)
        column = _COLUMN_OF_FIELD.get(problem.field, problem.field)
        return Phrase(IN_COLUMN, column=column, problem=problem)

    def _times(self, row: CsvRow, problems: list[Words]) -> tuple[datetime | None, datetime | None]:
        day = None
        if row.get("date"):
            try:
                day = date.fromisoformat(row.get("date"))
            except ValueError:
                problems.append(
                    Phrase(
                        N_('date "%(text)s" is not a date such as 2024-11-26'), text=row.get("date")
                    )
                )
                return None, None
        starts_at = self._instant(row.get("start"), "start", day, problems)
        if starts_at is None:
            return None, None
        ends_at = self._instant(
            row.get("end"), "end", day or starts_at.astimezone(self.zone).date(), problems
        )
        return starts_at, ends_at

    def _instant(
        self, text: str, column: str, day: date | None, problems: list[Words]
    ) -> datetime | None:
        if not text:
            problems.append(Phrase(N_("%(column)s is empty"), column=column))
            return None
        if _HAS_DATE.match(text):
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                problems.append(
                    Phrase(
                        N_('%(column)s "%(text)s" is not a date and time such as 2024-11-26T10:00'),
                        column=column,
                        text=text,
                    )
                )
                return None
            return value if value.utcoffset() is not None else value.replace(tzinfo=self.zone)
        found = _CLOCK.match(text)
        local = None
        if found:
            try:
                local = time(int(found["hour"]), int(found["minute"]), int(found["second"] or 0))
            except ValueError:
                local = None
        if local is None:
            problems.append(
                Phrase(
                    N_('%(column)s "%(text)s" is not a time such as 09:30'),
                    column=column,
                    text=text,
                )
            )
            return None
        if day is None:
            problems.append(
                Phrase(
                    N_(
                        '%(column)s "%(text)s" has no date: add a "date" column, '
                        "or give it as 2024-11-26T09:30"
                    ),
                    column=column,
                    text=text,
                )
            )
            return None
        return datetime.combine(day, local, tzinfo=self.zone)

    def _room(self, text: str, problems: list[Words]) -> Room | None:
        if not text:
            return None
        wanted = text.casefold()
        for room in self.event.rooms:
            if wanted in (room.slug.casefold(), room.name.casefold()):
                return room
        known = ", ".join(f'"{room.name}"' for room in self.event.rooms) or Phrase(N_("none yet"))
        problems.append(
            Phrase(
                N_('room "%(text)s" does not exist (the event\'s rooms: %(known)s)'),
                text=text,
                known=known,
            )
        )
        return None

    def _track(self, text: str, outcome: RowOutcome) -> Track | None:
        if not text:
            return None
        wanted = text.casefold()
        for track in self.event.tracks:
            if wanted in (track.slug.casefold(), track.name.casefold()):
                return track
        outcome.created["tracks"] += 1
        outcome.notes.append(Phrase(N_('creates the track "%(name)s"'), name=text))
        return add_track(
            self.db,
            self.event,
            slug=free_slug(text, {t.slug for t in self.event.tracks}, fallback="track"),
            name=text,
            now=self.now,
        )

    def _person(self, entry: str, outcome: RowOutcome) -> Person | None:
        addressed = _ADDRESSED.match(entry)
        name, email = (
            (addressed["name"].strip(), addressed["email"].strip())
            if addressed
            else (("", entry) if "@" in entry and " " not in entry else (entry, ""))
        )
        key = f"email:{email.casefold()}" if email else f"name:{name}"
        found = self.known.get(key)
        # A person created by a row that was then undone is gone: look again.
        if found is None or not inspect(found).persistent:
            found = (
                person_by_email(self.db, email)
                if email
                else existing_persons(self.db, [name]).get(name)
            )
        if found is not None:
            self.known[key] = found
            return found
        if not name:
            outcome.problems.append(
                Phrase(
                    N_(
                        "nobody has the address %(email)s: "
                        'write "Given Family <%(email)s>" to add them'
                    ),
                    email=email,
                )
            )
            return None
        honorific, given, family = split_display_name(name)
        try:
            person = create_person(
                self.db,
                honorific=honorific,
                given_name=given,
                family_name=family,
                email=email or None,
                now=self.now,
            )
        except ValidationError as error:
            outcome.problems += [
                Phrase(IN_FIELD, field=entry, problem=Phrase(IN_COLUMN, column=p.field, problem=p))
                for p in error.problems
            ]
            return None
        self.known[key] = person
        outcome.created["persons"] += 1
        outcome.notes.append(Phrase(N_("adds the person %(name)s"), name=person.display_name))
        return person

    def _already_there(self, title: str, starts_at: datetime) -> Words | None:
        with self.db.no_autoflush:
            same = self.db.scalars(
                select(ProgrammeSession).where(
                    ProgrammeSession.event_id == self.event.id,
                    ProgrammeSession.title == title,
                    ProgrammeSession.starts_at == starts_at,
                )
            ).first()
        if same is None:
            return None
        if same.id in self.lines:
            return Phrase(
                N_('the programme already has "%(title)s" at that time (line %(line)s)'),
                title=title,
                line=self.lines[same.id],
            )
        return Phrase(N_('the programme already has "%(title)s" at that time'), title=title)

    def _clashes(self, error: ConflictError) -> list[Words]:
        messages: list[Words] = []
        for clash in error.clashes:
            other = getattr(clash, "second", None)
            line = self.lines.get(getattr(other, "id", -1))
            messages.append(
                Phrase(N_("clash: %(clash)s (line %(line)s)"), clash=clash, line=line)
                if line
                else Phrase(CLASH, clash=clash)
            )
        return messages

    def _describe(self, created: ProgrammeSession, people: int) -> Words:
        parts: list[Words] = [
            f'"{created.title}"',
            TimeSpan(
                created.starts_at.astimezone(self.zone), created.ends_at.astimezone(self.zone)
            ),
        ]
        if created.room is not None:
            parts.append(created.room.name)
        if created.status is not SessionStatus.SCHEDULED:
            parts.append(created.status.value)
        if people:
            parts.append(Counted("%(num)s person", "%(num)s people", people))
        return Listed(parts)
