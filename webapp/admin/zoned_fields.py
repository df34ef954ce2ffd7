"""Date-and-time inputs read as wall-clock times in an event's zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext
from wtforms import DateTimeLocalField, Form
from wtforms.validators import StopValidation

from confkit.local_time import NonexistentLocalTime, local_instant, wall_clock

HTML_FORMAT = "%Y-%m-%dT%H:%M"


class ZonedDateTimeField(DateTimeLocalField):
    """An ``<input type="datetime-local">`` whose value is a time in ``zone``: once the form is
    validated, ``data`` is timezone-aware. A time the clocks skip in that zone is a field error.

    Set ``zone`` (see :func:`set_zone`) before validating or rendering; an aware ``data`` given
    to the form is shown in that zone.
    """

    zone: ZoneInfo = ZoneInfo("UTC")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", [HTML_FORMAT, "%Y-%m-%dT%H:%M:%S"])
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Form) -> None:
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            try:
                self.data = local_instant(self.data, self.zone)
            except NonexistentLocalTime as error:
                raise StopValidation(
                    gettext("%(problem)s; choose another time.", problem=str(error))
                ) from None

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            shown = wall_clock(self.data, self.zone) if self.data.tzinfo else self.data
            return shown.strftime(HTML_FORMAT)
        return ""


def set_zone(form: Form, zone: ZoneInfo) -> None:
    """Read and show every zoned field of ``form`` in ``zone``."""
    for field in form:
        if isinstance(field, ZonedDateTimeField):
            field.zone = zone
