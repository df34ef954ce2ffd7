"""Reading a CSV file a person made in a spreadsheet: the rows as cells by column, with the line
each row starts on.

Spreadsheets differ in what they write, so the reader tolerates: UTF-8 with or without a byte
order mark (Excel's "CSV UTF-8" adds one), a semicolon instead of a comma (Excel in locales whose
decimal mark is a comma), CRLF or LF line ends, quoted cells with line breaks inside, and header
names in any letter case or spacing ("Given name", "given_name", " GIVEN  NAME "). A header the
importer does not know is reported, not guessed at; a required one missing is one error.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, BinaryIO, TypeVar

from confkit.errors import Problem, ValidationError
from confkit.i18n import N_, Phrase, Readable

# What a row does or what is wrong with it, for a person in any of confkit's languages (plain
# text reads the same in all); ``str()`` is the English.
Words = Readable | str
# The largest file an import reads: about 40,000 attendees, or a very large programme.
MAX_FILE_BYTES = 5 * 1024 * 1024
# The most rows an import reads; each is checked through the services in one transaction.
MAX_ROWS = 50_000
DELIMITERS = (",", ";", "\t")
# Python's csv module refuses a longer cell (its default field size limit).
MAX_CELL_CHARACTERS = csv.field_size_limit()
# The attendees export quotes a cell that a spreadsheet would run as a formula; undo that.
_QUOTED_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")
_SEPARATORS = re.compile(r"[\s_\-]+")
_EMPTY = N_("is empty")

CsvSource = bytes | str | BinaryIO
EnumT = TypeVar("EnumT", bound=StrEnum)


@dataclass(frozen=True)
class CsvRow:
    """One row: the line it starts on, and its cells by column name (blank cells left out)."""

    line: int
    cells: Mapping[str, str]
    # Cells whose header names one of the event's own fields (a question), by normalised header.
    extra: Mapping[str, str] = field(default_factory=dict)
    # What is wrong with the row's shape, before any cell is read.
    problems: tuple[Words, ...] = ()

    def get(self, column: str) -> str:
        """The cell's text, stripped; empty when the column is absent or blank."""
        return self.cells.get(column, "")


@dataclass(frozen=True)
class CsvTable:
    """The file's rows, the headers it ignored and the columns it holds."""

    rows: list[CsvRow]
    columns: frozenset[str]
    ignored_headers: list[str]


def header_key(header: str) -> str:
    """A header as compared: lowercase, spaces, hyphens and underscores as single spaces."""
    text = _QUOTED_FORMULA.sub("", header.strip().lstrip("\ufeff"))
    return _SEPARATORS.sub(" ", text).strip().casefold()


def read_csv(
    source: CsvSource,
    *,
    columns: Mapping[str, str],
    required: Iterable[str],
    extra_headers: Iterable[str] = (),
    ignored: Iterable[str] = (),
    delimiter: str | None = None,
    max_rows: int = MAX_ROWS,
) -> CsvTable:
    """The rows of a CSV file, by column name.

    ``columns`` maps each accepted header (as ``header_key`` gives it) to a column name;
    ``required`` names the columns that must be present; ``extra_headers`` are further accepted
    headers (an event's questions) whose cells go to ``CsvRow.extra``; headers in ``ignored`` are
    read and dropped without comment. ``delimiter`` None means: guess from the header line;
    more than ``max_rows`` rows is refused.
    Raises ValidationError: not UTF-8, too large, no header or no rows, required columns
    missing, a header given twice, a cell too long. A row longer than the header is kept with
    its problem, for the importer to report with the rest.
    """
    text = _text(source)
    if not text.strip():
        raise ValidationError.single("file", _EMPTY)
    chosen = delimiter or _guess_delimiter(text)
    if chosen not in DELIMITERS:
        raise ValidationError.single("delimiter", N_("must be a comma, a semicolon or a tab"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen, strict=False)
    try:
        records = _records(reader)
        header_line, headers = next(records)
    except StopIteration:
        raise ValidationError.single("file", _EMPTY) from None
    except _CellTooLong as error:
        raise error.refusal() from None
    extras = {header_key(h) for h in extra_headers}
    names, ignored_headers = _column_names(
        headers, columns, extras, {header_key(h) for h in ignored}, header_line
    )
    present = frozenset(name for name in names if name is not None)
    missing = [name for name in required if name not in present]
    if missing:
        listed = ", ".join(f'"{name}"' for name in missing)
        found = ", ".join(f'"{h.strip()}"' for h in headers) or Phrase(N_("none"))
        raise ValidationError.single(
            f"line {header_line}",
            N_(
                "the file has no column %(missing)s (its columns: %(found)s; "
                'is the delimiter "%(delimiter)s" right?)'
            ),
            missing=listed,
            found=found,
            delimiter=chosen,
        )
    rows: list[CsvRow] = []
    try:
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= max_rows:
                raise ValidationError.single(
                    f"line {line}",
                    N_("the file has more than %(limit)s rows; split it"),
                    limit=f"{max_rows:,}",
                )
            rows.append(_row(line, cells, names, len(headers)))
    except _CellTooLong as error:
        raise error.refusal() from None
    if not rows:
        raise ValidationError.single("file", N_("has a header but no rows"))
    return CsvTable(rows=rows, columns=present, ignored_headers=ignored_headers)


class _CellTooLong(Exception):
    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"a cell on line {line} is too long")

    def refusal(self) -> ValidationError:
        return ValidationError.single(
            f"line {self.line}",
            N_("a cell is longer than %(limit)s characters"),
            limit=f"{MAX_CELL_CHARACTERS:,}",
        )


def _text(source: CsvSource) -> str:
    if isinstance(source, str):
        data = source.encode("utf-8")
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError.single(
            "file",
            N_("is larger than %(limit)s MB; split it"),
            limit=MAX_FILE_BYTES // (1024 * 1024),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError.single(
            f"line {line}",
            N_('is not UTF-8 text: save the file as "CSV UTF-8" (in Excel: Save As, CSV UTF-8)'),
        ) from None


def _guess_delimiter(text: str) -> str:
    """The delimiter the header line uses most, outside quotes; a comma if none."""
    header = text.splitlines()[0] if text else ""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each record of a ``csv.reader`` with the line it starts on (a quoted cell may span
    lines)."""
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise _CellTooLong(start) from None
            raise ValidationError.single(
                f"line {start}", N_("cannot be read: %(reason)s"), reason=str(error)
            ) from None
        yield start, cells
        start = reader.line_num + 1


def _column_names(
    headers: list[str],
    columns: Mapping[str, str],
    extras: set[str],
    ignored: set[str],
    line: int,
) -> tuple[list[str | None], list[str]]:
    names: list[str | None] = []
    ignored_headers: list[str] = []
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for header in headers:
        key = header_key(header)
        name = columns.get(key) or (f"extra:{key}" if key in extras else None)
        if name is None:
            if key and key not in ignored:
                ignored_headers.append(header.strip())
            names.append(None)
            continue
        if name in seen:
            problems.append(
                Problem(
                    f"line {line}",
                    N_('the columns "%(first)s" and "%(second)s" say the same'),
                    {"first": seen[name], "second": header},
                )
            )
        seen[name] = header.strip()
        names.append(name)
    if problems:
        raise ValidationError(problems)
    return names, ignored_headers


def _row(line: int, cells: list[str], names: list[str | None], width: int) -> CsvRow:
    problems: tuple[Words, ...] = ()
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems = (
            Phrase(
                N_(
                    "has %(cells)s cells but the header has %(columns)s columns "
                    "(is a cell with a delimiter in it missing its quotes?)"
                ),
                cells=len(cells),
                columns=width,
            ),
        )
    named: dict[str, str] = {}
    extra: dict[str, str] = {}
    for name, cell in zip(names, cells, strict=False):
        value = _QUOTED_FORMULA.sub("", cell.strip())
        if name is None or not value:
            continue
        if name.startswith("extra:"):
            extra[name.removeprefix("extra:")] = value
        else:
            named[name] = value
    return CsvRow(line=line, cells=named, extra=extra, problems=problems)


def choice_cell(
    row: CsvRow, column: str, choices: type[EnumT], default: EnumT, problems: list[Words]
) -> EnumT:
    """The cell as one of ``choices`` ("Awaiting approval" is ``awaiting_approval``); the
    default when blank. A problem listing the choices otherwise."""
    text = row.get(column)
    if not text:
        return default
    try:
        return choices(_SEPARATORS.sub("_", text.strip().lower()))
    except ValueError:
        allowed = ", ".join(member.value.replace("_", " ") for member in choices)
        problems.append(
            Phrase(
                N_('%(column)s "%(text)s" is not one of: %(allowed)s'),
                column=column,
                text=text,
                allowed=allowed,
            )
        )
        return default


def whole_number_cell(row: CsvRow, column: str, problems: list[Words]) -> int | None:
    """The cell as a whole number 0 or more; None when blank. A problem otherwise."""
    text = row.get(column)
    if not text:
        return None
    if not text.isdecimal():
        problems.append(
            Phrase(N_('%(column)s "%(text)s" is not a whole number'), column=column, text=text)
        )
        return None
    return int(text)
