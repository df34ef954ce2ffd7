"""An event's dashboard: registrations over time and by status, category, organisation kind and
country, the seats and the waiting list, and check-in progress (organisers and admins)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from confkit.services.dashboard import Dashboard, event_dashboard
from webapp.admin import bp
from webapp.admin.charts import bar_chart, running_total_chart
from webapp.admin.filters import number_label
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db
from webapp.i18n import country_name, current_locale
from webapp.labels import label

OTHER_COUNTRIES = "*"


@bp.get("/events/<slug>/dashboard")
def dashboard(slug: str) -> ResponseReturnValue:
    """The event's figures as charts drawn on the server, each with its table."""
    event = event_for_organiser(slug)
    figures = event_dashboard(get_db(), event)
    return render_template(
        "admin/dashboard.html",
        event=event,
        figures=figures,
        status_chart=bar_chart(
            [(label(status), number) for status, number in figures.by_status.items()]
        ),
        category_chart=bar_chart(
            [(label(category), number) for category, number in figures.by_category]
        ),
        kind_chart=bar_chart(
            [
                (label(kind) if kind else gettext("Not given"), number)
                for kind, number in figures.by_organisation_kind
            ]
        ),
        country_chart=bar_chart(
            [(_country_label(code), number) for code, number in figures.by_country]
        ),
        timeline=running_total_chart(
            [
                (
                    gettext("Registered"),
                    "line-registered",
                    [(d.day, d.running_total) for d in figures.registered_per_day],
                ),
                (
                    gettext("Confirmed"),
                    "line-confirmed",
                    [(d.day, d.running_total) for d in figures.confirmed_per_day],
                ),
            ],
            capacity=figures.capacity,
            day_label=_short_day,
            number_label=number_label,
        ),
        timeline_rows=_timeline_rows(figures),
    )


def _timeline_rows(figures: Dashboard) -> list[tuple[date, int, int]]:
    """(day, registered that day, confirmed that day) for every day either happened."""
    registered = {d.day: d.count for d in figures.registered_per_day}
    confirmed = {d.day: d.count for d in figures.confirmed_per_day}
    return [
        (day, registered.get(day, 0), confirmed.get(day, 0))
        for day in sorted(registered.keys() | confirmed.keys())
    ]


def _short_day(day: date) -> str:
    # An axis label: "26 Nov", "26 нояб."; the table below the chart gives the whole date.
    return format_date(day, "d MMM", locale=current_locale())


def _country_label(code: str | None) -> str:
    if code is None:
        return gettext("Not given")
    if code == OTHER_COUNTRIES:
        return gettext("Other countries")
    return country_name(code)
