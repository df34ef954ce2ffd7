"""The event dashboard page: who may open it, and charts that show the stored figures."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, OrganisationKind, Registration
from confkit.services.signup import NewOrganisation
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import text, words

ORGANISER = "aysel@example.org"
PATH = "/admin/events/forum/dashboard"
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=2, slug="forum", name="Baku energy forum")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    response = client.get(PATH)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={PATH}"


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_see_the_dashboard(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    assert client.get(PATH).status_code == status


def test_an_unknown_event_is_not_found(organiser: FlaskClient) -> None:
    assert organiser.get("/admin/events/no-such-event/dashboard").status_code == 404


def test_the_dashboard_shows_seats_waiting_list_and_charts_of_the_figures(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    nato = NewOrganisation(name="NATO", kind=OrganisationKind.INTERNATIONAL, country="BE")
    for _ in range(3):  # two seats: the third waits
        make_registration(forum, new_organisation=nato)

    response = organiser.get(PATH)

    assert response.status_code == 200
    page = words(response)
    assert "Confirmed 2 of 2" in page
    assert "Free seats 0" in page
    assert "Waiting list 1" in page
    assert "Checked in 0 of 2" in page
    charts = re.findall(r"<svg.*?</svg>", text(response), flags=re.DOTALL)
    assert len(charts) == 5
    for chart in charts:  # each one well-formed SVG a browser draws
        ElementTree.fromstring(chart.replace("<svg ", f'<svg xmlns="{SVG_NAMESPACE[1:-1]}" ', 1))
    titles = re.findall(r"<title[^>]*>(.*?)</title>", " ".join(charts), flags=re.DOTALL)
    assert "All registrations by status: Unconfirmed 0, Confirmed 2, Waitlisted 1" in titles[1]
    assert "International organisation 3" in " ".join(titles)
    assert "Belgium 3" in " ".join(titles)
    assert "Registered 3, Confirmed 2" in titles[0]
    assert "Figures per day" in page


def test_bars_are_as_long_as_their_share_of_the_largest(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    forum.capacity = None
    for category in ["delegate", "delegate", "observer"]:
        make_registration(forum, category=category)

    page = text(organiser.get(PATH))

    category_chart = page[page.index('id="by-category-caption"') :]
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', category_chart)[:2]]
    assert widths[0] == pytest.approx(2 * widths[1])


def test_an_event_without_registrations_says_so(organiser: FlaskClient) -> None:
    page = words(organiser.get(PATH))

    assert "No registrations yet." in page
    assert "Confirmed 0 of 2" in page
