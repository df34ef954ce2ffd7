"""What the feeds take from the app's configuration: the base URL and the refresh interval."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from flask import current_app, request

from webapp.config import DEFAULT_FEED_REFRESH_SECONDS

BASE_URL_KEY: Final = "CONFKIT_BASE_URL"
REFRESH_KEY: Final = "CONFKIT_FEED_REFRESH_SECONDS"


@dataclass(frozen=True)
class FeedSettings:
    """The public root of the app (UIDs take its host) and how often calendars should poll."""

    base_url: str
    refresh: timedelta

    @property
    def refresh_seconds(self) -> int:
        return int(self.refresh.total_seconds())


def feed_settings() -> FeedSettings:
    """The settings for the current request: ``CONFKIT_BASE_URL``, or else the request's root."""
    config = current_app.config
    return FeedSettings(
        base_url=config.get(BASE_URL_KEY) or request.url_root,
        refresh=timedelta(seconds=_refresh_seconds(config)),
    )


def check_settings(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the setting if the base URL or the refresh interval is unusable."""
    base_url = config.get(BASE_URL_KEY)
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{BASE_URL_KEY} must be an http or https URL, not {base_url!r}")
    _refresh_seconds(config)


def _refresh_seconds(config: Mapping[str, Any]) -> int:
    # The environment gives a string, confkit.cfg an int: accept both.
    value = config.get(REFRESH_KEY, DEFAULT_FEED_REFRESH_SECONDS)
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        seconds = 0
    if seconds <= 0 or isinstance(value, bool):
        raise ValueError(f"{REFRESH_KEY} must be a whole number of seconds above 0, not {value!r}")
    return seconds
