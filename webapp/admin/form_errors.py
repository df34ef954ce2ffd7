"""Service problems shown on a form: each next to the field it names, the rest above the form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms import Form

from confkit.errors import Problem

STALE_FORM = "The page was open too long, or the form did not come from this site."


def show_problems(
    form: Form, problems: Iterable[Problem], *, fields: Mapping[str, str] | None = None
) -> list[str]:
    """Put each problem in the errors of the form's field it names; ``fields`` maps a service's
    field name to the form's where they differ. Return, as sentences, the problems no field of
    the form shows."""
    renamed = fields or {}
    unplaced: list[str] = []
    for problem in problems:
        name = renamed.get(problem.field, problem.field)
        # The token is the form's own plumbing, never what a service's problem means.
        if name != "csrf_token" and name in form:
            field = form[name]
            field.errors = [*field.errors, problem.message]
        else:
            unplaced.append(str(problem))
    return unplaced


def form_problems(form: Form) -> list[str]:
    """The sentences to show above a form that failed its own checks: a refused CSRF token is
    said plainly; the other errors are shown next to their fields."""
    return [STALE_FORM] if "csrf_token" in form and form["csrf_token"].errors else []
