"""Template filters of the back-office pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from confkit.models import Event
from webapp.admin import bp


@bp.app_template_filter("in_event_zone")
def in_event_zone(moment: datetime, event: Event) -> datetime:
    """``moment`` as the clocks at the event show it."""
    return moment.astimezone(ZoneInfo(event.timezone))
