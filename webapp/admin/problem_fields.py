"""confkit's errors shown on a form: each problem and clash next to the field it concerns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm

from confkit.errors import Problem
from confkit.scheduling.clashes import ClashKind
from confkit.services.conflicts import ClashReport

CSRF_REFUSED = "The page was open too long, or the form did not come from this site."


def show_problems(
    form: FlaskForm, problems: Iterable[Problem], renamed: Mapping[str, str] | None = None
) -> None:
    """Add each problem to the field it names (``renamed`` maps a service's field name to the
    form's); a problem no field takes goes to the form's own errors, so none is lost."""
    for problem in problems:
        # "members[2]" is the members field's third entry.
        name = problem.field.split("[", 1)[0]
        name = (renamed or {}).get(name, name)
        add_error(form, name if name in form else None, problem.message)


def show_clashes(
    form: FlaskForm, clashes: Iterable[object], *, room_field: str | None, person_field: str
) -> None:
    """Add each clash, naming the other session, next to the room field (the room is taken) or
    ``person_field`` (someone is elsewhere then)."""
    for clash in clashes:
        is_room = isinstance(clash, ClashReport) and clash.kind is ClashKind.ROOM
        field = room_field if is_room and room_field is not None else person_field
        add_error(form, field, f"Clash: {clash}")


def add_error(form: FlaskForm, field_name: str | None, message: str) -> None:
    """Add ``message`` to a field's errors, or to the form's own when ``field_name`` is None."""
    if field_name is None:
        form.form_errors.append(message)
        return
    field = form[field_name]
    field.errors = [*field.errors, message]


def form_problems(form: FlaskForm) -> list[str]:
    """The form's own errors, a refused CSRF token first: what the page shows above the fields."""
    refused = [CSRF_REFUSED] if "csrf_token" in form and form["csrf_token"].errors else []
    return [*refused, *form.form_errors]
