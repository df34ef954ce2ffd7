"""Checking a file row by row exactly as saving it would, then keeping or undoing all of it.

Every row is applied through the services inside the import's own savepoint, each in a nested
savepoint of its own: a bad row is undone at once (so it cannot cause errors in the rows after
it), its problems are kept with its line, and the good rows stay, so a later row is checked
against them (two rows booking one room clash). A preview then undoes the whole import; a real
import keeps it only when no row has a problem. Either way the check is the same code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import SessionTransaction

from confkit.errors import CapacityError, ConflictError, Problem, ValidationError
from confkit.i18n import N_, Phrase
from confkit.imports.csv_table import CsvRow, CsvTable, Words

# Called after each row with (rows done, rows in the file), for a progress bar.
Progress = Callable[[int, int], None]


@dataclass
class RowOutcome:
    """What one row does (``summary``), or why it cannot (``problems``), and remarks."""

    line: int
    summary: Words = ""
    problems: list[Words] = field(default_factory=list)
    notes: list[Words] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportPlan:
    """Every row of a file with what it does or what is wrong, and what it creates in all."""

    rows: list[RowOutcome] = field(default_factory=list)
    # The columns the file has that the import does not read.
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def bad_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if not row.ok]

    @property
    def created(self) -> Counter[str]:
        """What the good rows create, by kind of object ("sessions": 12, "persons": 3...)."""
        total: Counter[str] = Counter()
        for row in self.rows:
            if row.ok:
                total.update(row.created)
        return total

    def problems(self) -> list[Problem]:
        """Every problem, each named by its line."""
        return [
            Problem(f"line {row.line}", ALONE, {"problem": message})
            for row in self.rows
            for message in row.problems
        ]

    def summary(self) -> str:
        """One line for a person: "3 rows; 3 session(s) created, 2 person(s) created"."""
        made = ", ".join(f"{count} {name} created" for name, count in sorted(self.created.items()))
        return f"{len(self.rows)} row(s)" + (f"; {made}" if made else "")


RowApplier = Callable[[CsvRow, RowOutcome], None]


def plan_import(
    db: DbSession,
    table: CsvTable,
    apply_row: RowApplier,
    *,
    keep: bool,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row of ``table`` by applying it; keep the work if ``keep`` (an import) and
    undo it otherwise (a preview). Raises ValidationError naming every bad row's line when
    ``keep`` and any row is bad: nothing is kept then."""
    plan = ImportPlan(
        rows=run_rows(db, table.rows, apply_row, keep=keep, progress=progress),
        ignored_headers=table.ignored_headers,
    )
    if keep and not plan.ok:
        raise ValidationError(plan.problems())
    return plan


def run_rows(
    db: DbSession,
    rows: Sequence[CsvRow],
    apply_row: RowApplier,
    *,
    keep: bool,
    progress: Progress | None = None,
) -> list[RowOutcome]:
    """Apply every row in its own savepoint and report each; keep the work only if ``keep`` and
    every row is good. ``apply_row`` fills the outcome or raises a confkit error."""
    outcomes: list[RowOutcome] = []
    db.flush()
    with _rows_inserted(db) as inserted:
        whole = db.begin_nested()
        try:
            for done, row in enumerate(rows, start=1):
                outcomes.append(_apply(db, row, apply_row))
                if progress is not None:
                    progress(done, len(rows))
        except BaseException:
            _undo(db, whole, inserted)
            raise
        if keep and all(outcome.ok for outcome in outcomes):
            whole.commit()
        else:
            _undo(db, whole, inserted)
    return outcomes


@contextmanager
def _rows_inserted(db: DbSession) -> Iterator[set[Any]]:
    """The identity keys of the rows ``db`` inserts meanwhile."""
    keys: set[Any] = set()

    def note(session: DbSession, _context: object) -> None:
        keys.update(inspect(obj).mapper.identity_key_from_instance(obj) for obj in session.new)

    event.listen(db, "after_flush", note)
    try:
        yield keys
    finally:
        event.remove(db, "after_flush", note)


def _undo(db: DbSession, work: SessionTransaction, inserted: set[Any]) -> None:
    """Roll ``work`` back, and let go of every copy of a row it had inserted.

    A rollback forgets the objects added in it, but not a copy of one of their rows loaded
    again by a query (after the garbage collector freed the first). That copy stands for a row
    that no longer exists, and SQLite gives its id to the next row inserted, whose flush would
    then meet the copy in the identity map.
    """
    work.rollback()
    for key in inserted:
        stale = db.identity_map.get(key)
        if stale is not None:
            db.expunge(stale)


def _apply(db: DbSession, row: CsvRow, apply_row: RowApplier) -> RowOutcome:
    outcome = RowOutcome(row.line, problems=list(row.problems))
    if outcome.problems:
        return outcome
    try:
        with db.begin_nested():
            apply_row(row, outcome)
            db.flush()
            if outcome.problems:
                raise _RowRefused
    except _RowRefused:
        pass
    except ValidationError as error:
        outcome.problems += [_sentence(p) for p in error.problems]
    except ConflictError as error:
        outcome.problems += [Phrase(CLASH, clash=clash) for clash in error.clashes]
    except CapacityError as error:
        outcome.problems.append(error)
    if outcome.problems:
        outcome.created.clear()
        outcome.summary = ""
    return outcome


class _RowRefused(Exception):
    """A row found its own problems: undo what it did so far."""


def _sentence(problem: Problem) -> Words:
    if problem.field in ("", "row"):
        return problem
    return Phrase(IN_FIELD, field=problem.field, problem=problem)


CLASH = N_("clash: %(clash)s")
# A problem without the field it concerns.
ALONE = "%(problem)s"
# A service's problem with the field (or the file's column) it concerns.
IN_FIELD = "%(field)s: %(problem)s"
# A service's problem of one column, the column first: "end must be after the start".
IN_COLUMN = "%(column)s %(problem)s"
