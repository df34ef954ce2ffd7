"""The audit pages' filters and page number, read from the query string."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from confkit.services.audit import ACTOR_FILTER_MAX_LENGTH, TIMELINE_TYPES
from webapp.admin.audit_words import ENTITY_TYPES
from webapp.forms import AppForm


class AuditFilterForm(AppForm):
    """Which changes to show; whether a type is known is the service's to say."""

    class Meta:
        # A GET form changes nothing, and its URL is meant to be bookmarked and shared.
        csrf = False

    type = SelectField(
        _l("What"),
        choices=[
            SelectChoice("", _l("Anything")),
            *(SelectChoice(t, ENTITY_TYPES.get(t, t)) for t in TIMELINE_TYPES),
        ],
        validate_choice=False,
    )
    actor = StringField(_l("Who (part of the name)"))
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1)])

    def filters(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        return {
            "entity_type": self.type.data or None,
            "actor": (self.actor.data or "").strip()[: ACTOR_FILTER_MAX_LENGTH + 1] or None,
            "page": self.page.data or 1,
        }

    def problems(self) -> list[str]:
        return [
            f"{self[name].label.text}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]

    def query(self, **changed: Any) -> dict[str, Any]:
        """The query string of this view with ``changed`` values, for the paging links."""
        values = {"type": self.type.data or None, "actor": self.actor.data or None}
        values |= changed
        return {name: value for name, value in values.items() if value}
