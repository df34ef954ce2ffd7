"""Template filters of the back-office pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

from confkit.models import Event
from webapp.admin import audit_words, bp, history_words
from webapp.i18n import current_locale, datetime_label

for _words in (
    history_words.action_button_label,
    history_words.history_action_label,
    history_words.actor_label,
    history_words.status_label,
    audit_words.entity_label,
    audit_words.change_label,
    audit_words.field_label,
):
    bp.add_app_template_filter(_words)


@bp.app_template_filter("in_event_zone")
def in_event_zone(moment: datetime, event: Event) -> datetime:
    """``moment`` as the clocks at the event show it."""
    return moment.astimezone(ZoneInfo(event.timezone))


@bp.app_template_filter("audited_value")
def audited_value(value: object, entity_type: str, field: str) -> object:
    """A value in the audit log, with the values of confkit's enumerations in words."""
    return audit_words.value_label(entity_type, field, value)


@bp.app_template_filter("stamp_label")
def stamp_label(stamp: str) -> str:
    """An ISO 8601 date and time, as confkit's attendee data writes it, in the locale's words
    and in the zone it was written in."""
    return datetime_label(datetime.fromisoformat(stamp))


@bp.app_template_filter("number_label")
def number_label(number: float, pattern: str | None = None) -> str:
    """A number as the locale writes it: "1,234" in English, "1 234" in Russian."""
    return format_decimal(number, format=pattern, locale=current_locale())
