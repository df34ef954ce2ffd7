"""The organisers' people pages: people with their positions, organisations, and an event's
delegations.

People and organisations are shared by every event: an admin or an organiser of any event may
edit them (see :func:`confkit.services.directory.may_edit_directory`). An event's delegations
are for its organisers and the admins.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from confkit.errors import ValidationError
from confkit.models import Organisation, Person
from confkit.services.directory import (
    get_affiliation,
    get_delegation,
    get_organisation,
    get_person,
    may_edit_directory,
    people_by_name,
    search_people,
)
from confkit.services.people import (
    add_affiliation,
    create_delegation,
    create_organisation,
    create_person,
    organisation_choices,
    update_affiliation,
    update_delegation,
    update_organisation,
    update_person,
)
from webapp.admin import bp
from webapp.admin.auth import require_login
from webapp.admin.form_errors import place_problems
from webapp.admin.people_forms import (
    AffiliationForm,
    DelegationForm,
    NewAffiliationForm,
    OrganisationForm,
    PeopleSearchForm,
    PersonForm,
    affiliation_data,
    delegation_data,
    organisation_data,
    person_data,
)
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db

PEOPLE = "admin/people/"


def require_directory_editor() -> None:
    """Let admins and organisers of any event in; others get a 403, visitors the login page."""
    if not may_edit_directory(require_login()):
        abort(403)


# People


@bp.get("/people")
def people() -> ResponseReturnValue:
    """Everyone, or those whose names or email contain the words searched for."""
    require_directory_editor()
    form = PeopleSearchForm(request.args)
    try:
        found = search_people(get_db(), form.q.data or "")
    except ValidationError as error:
        place_problems(form, error.problems, {"text": "q"})
        return render_template(PEOPLE + "people.html", form=form, found=[]), 400
    return render_template(PEOPLE + "people.html", form=form, found=found)


@bp.route("/people/new", methods=["GET", "POST"])
def new_person() -> ResponseReturnValue:
    """The form for a new person."""
    require_directory_editor()
    form = PersonForm()
    if not form.is_submitted():
        return render_template(PEOPLE + "person_new.html", form=form)
    if form.validate():
        try:
            person = create_person(get_db(), **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Person added."), "done")
            return redirect(url_for(".edit_person", person_id=person.id), 303)
    return render_template(PEOPLE + "person_new.html", form=form), 400


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
def edit_person(person_id: int) -> ResponseReturnValue:
    """A person's details and positions."""
    require_directory_editor()
    person = _person(person_id)
    if request.method == "GET":
        return _person_page(person, form=PersonForm(formdata=None, data=person_data(person)))
    form = PersonForm()
    if form.validate():
        try:
            update_person(get_db(), person, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Person saved."), "done")
            return redirect(url_for(".edit_person", person_id=person.id), 303)
    return _person_page(person, form=form, status=400)


@bp.post("/people/<int:person_id>/affiliations")
def new_affiliation(person_id: int) -> ResponseReturnValue:
    """Record a position of the person at an organisation."""
    require_directory_editor()
    person = _person(person_id)
    form = NewAffiliationForm(organisations=organisation_choices(get_db()))
    if form.validate():
        try:
            add_affiliation(get_db(), person, form.organisation.data, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Position added."), "done")
            return redirect(url_for(".edit_person", person_id=person.id), 303)
    return _person_page(person, affiliation_form=form, status=400)


@bp.route("/people/<int:person_id>/affiliations/<int:affiliation_id>", methods=["GET", "POST"])
def edit_affiliation(person_id: int, affiliation_id: int) -> ResponseReturnValue:
    """Change a position's title or period."""
    require_directory_editor()
    person = _person(person_id)
    affiliation = get_affiliation(get_db(), person, affiliation_id)
    if affiliation is None:
        abort(404)
    template = PEOPLE + "affiliation.html"
    if request.method == "GET":
        form = AffiliationForm(formdata=None, data=affiliation_data(affiliation))
        return render_template(template, person=person, affiliation=affiliation, form=form)
    form = AffiliationForm()
    if form.validate():
        try:
            update_affiliation(get_db(), affiliation, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Position saved."), "done")
            return redirect(url_for(".edit_person", person_id=person.id), 303)
    page = render_template(template, person=person, affiliation=affiliation, form=form)
    return page, 400


def _person(person_id: int) -> Person:
    person = get_person(get_db(), person_id)
    if person is None:
        abort(404)
    return person


def _person_page(
    person: Person,
    *,
    form: PersonForm | None = None,
    affiliation_form: NewAffiliationForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        PEOPLE + "person.html",
        person=person,
        form=form or PersonForm(formdata=None, data=person_data(person)),
        affiliation_form=affiliation_form
        or NewAffiliationForm(formdata=None, organisations=organisation_choices(get_db())),
    )
    return page, status


# Organisations


@bp.get("/organisations")
def organisations() -> ResponseReturnValue:
    """Every organisation with its full name."""
    require_directory_editor()
    listed = get_db().scalars(select(Organisation)).all()
    names = {choice.id: choice.full_name for choice in organisation_choices(get_db())}
    ordered = sorted(listed, key=lambda o: (names[o.id].casefold(), o.id))
    return render_template(PEOPLE + "organisations.html", organisations=ordered, names=names)


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation() -> ResponseReturnValue:
    """The form for a new organisation."""
    require_directory_editor()
    form = OrganisationForm(organisations=organisation_choices(get_db()))
    if not form.is_submitted():
        return render_template(PEOPLE + "organisation.html", form=form, organisation=None)
    if form.validate():
        try:
            create_organisation(get_db(), **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Organisation added."), "done")
            return redirect(url_for(".organisations"), 303)
    page = render_template(PEOPLE + "organisation.html", form=form, organisation=None)
    return page, 400


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int) -> ResponseReturnValue:
    """Change an organisation; a parent that would make a cycle is refused."""
    require_directory_editor()
    organisation = get_organisation(get_db(), organisation_id)
    if organisation is None:
        abort(404)
    choices = organisation_choices(get_db())
    template = PEOPLE + "organisation.html"
    if request.method == "GET":
        form = OrganisationForm(
            formdata=None,
            organisations=choices,
            own=organisation,
            data=organisation_data(organisation),
        )
        return render_template(template, form=form, organisation=organisation)
    form = OrganisationForm(organisations=choices, own=organisation)
    if form.validate():
        try:
            update_organisation(get_db(), organisation, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Organisation saved."), "done")
            return redirect(url_for(".organisations"), 303)
    return render_template(template, form=form, organisation=organisation), 400


# Delegations


@bp.get("/events/<slug>/delegations")
def delegations(slug: str) -> ResponseReturnValue:
    """The event's delegations with their heads and members."""
    event = event_for_organiser(slug)
    return render_template(PEOPLE + "delegations.html", event=event)


@bp.route("/events/<slug>/delegations/new", methods=["GET", "POST"])
def new_delegation(slug: str) -> ResponseReturnValue:
    """The form for a new delegation of the event."""
    event = event_for_organiser(slug)
    form = _delegation_form(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET":
        return render_template(PEOPLE + "delegation.html", event=event, form=form, delegation=None)
    if form.validate():
        try:
            create_delegation(get_db(), event, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Delegation added."), "done")
            return redirect(url_for(".delegations", slug=event.slug), 303)
    page = render_template(PEOPLE + "delegation.html", event=event, form=form, delegation=None)
    return page, 400


@bp.route("/events/<slug>/delegations/<int:delegation_id>", methods=["GET", "POST"])
def edit_delegation(slug: str, delegation_id: int) -> ResponseReturnValue:
    """Rename a delegation, change its head or its members."""
    event = event_for_organiser(slug)
    delegation = get_delegation(get_db(), event, delegation_id)
    if delegation is None:
        abort(404)
    template = PEOPLE + "delegation.html"
    if request.method == "GET":
        form = _delegation_form(formdata=None, data=delegation_data(delegation))
        return render_template(template, event=event, form=form, delegation=delegation)
    form = _delegation_form(formdata=request.form)
    if form.validate():
        try:
            update_delegation(get_db(), delegation, **form.values())
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            flash(gettext("Delegation saved."), "done")
            return redirect(url_for(".delegations", slug=event.slug), 303)
    page = render_template(template, event=event, form=form, delegation=delegation)
    return page, 400


def _delegation_form(**kwargs: object) -> DelegationForm:
    return DelegationForm(
        people=people_by_name(get_db()), organisations=organisation_choices(get_db()), **kwargs
    )
