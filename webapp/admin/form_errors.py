"""confkit's errors shown on a form: each problem and clash next to the field it concerns, the
rest above the form, all in the request's language (webapp.i18n.confkit_text).

Two ways to hand back what no field shows: :func:`show_problems` returns the sentences (for
pages that list them above the form themselves) and :func:`place_problems` keeps them in the
form's own ``form_errors`` (for templates that show those).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from wtforms import Form

from confkit.errors import Problem, clash_problem
from confkit.scheduling.clashes import ClashKind
from confkit.services.conflicts import ClashReport
from webapp.i18n import confkit_line, confkit_text

STALE_FORM = _l("The page was open too long, or the form did not come from this site.")


def show_problems(
    form: Form, problems: Iterable[Problem], *, fields: Mapping[str, str] | None = None
) -> list[str]:
    """Put each problem in the errors of the form's field it names; ``fields`` maps a service's
    field name to the form's where they differ. Return, as sentences, the problems no field of
    the form shows."""
    unplaced: list[str] = []
    for problem in problems:
        name = _field_name(problem, fields)
        if name is not None and name in form:
            add_error(form, name, confkit_text(problem))
        else:
            unplaced.append(confkit_line(problem))
    return unplaced


def place_problems(
    form: Form, problems: Iterable[Problem], fields: Mapping[str, str] | None = None
) -> None:
    """Like :func:`show_problems`, but a problem no field takes goes to the form's own errors,
    so none is lost."""
    for problem in problems:
        name = _field_name(problem, fields)
        add_error(form, name if name is not None and name in form else None, confkit_text(problem))


def show_clashes(
    form: Form, clashes: Iterable[object], *, room_field: str | None, person_field: str
) -> None:
    """Add each clash, naming the other session, next to the room field (the room is taken) or
    ``person_field`` (someone is elsewhere then)."""
    for clash in clashes:
        is_room = isinstance(clash, ClashReport) and clash.kind is ClashKind.ROOM
        field = room_field if is_room and room_field is not None else person_field
        add_error(form, field, confkit_text(clash_problem(clash, field)))


def add_error(form: Form, field_name: str | None, message: str) -> None:
    """Add ``message`` to a field's errors, or to the form's own when ``field_name`` is None."""
    if field_name is None:
        form.form_errors.append(message)
        return
    field = form[field_name]
    field.errors = [*field.errors, message]


def form_problems(form: Form) -> list[str]:
    """The sentences to show above a form that failed its own checks: a refused CSRF token is
    said plainly, then the form's own errors; field errors are shown next to their fields."""
    refused = [str(STALE_FORM)] if "csrf_token" in form and form["csrf_token"].errors else []
    return [*refused, *form.form_errors]


def _field_name(problem: Problem, fields: Mapping[str, str] | None) -> str | None:
    # "members[2]" is the members field's third entry.
    name = problem.field.split("[", 1)[0]
    name = (fields or {}).get(name, name)
    # The token is the form's own plumbing, never what a service's problem means.
    return None if name == "csrf_token" else name
