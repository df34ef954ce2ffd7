"""The links a page offers for one feed: subscribe (webcal), add to Google Calendar, download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from flask import request, url_for

from webapp.feeds.settings import feed_settings

GOOGLE_CALENDAR_SUBSCRIBE = "https://calendar.google.com/calendar/render?cid="


@dataclass(frozen=True)
class FeedLinks:
    """The addresses of one feed, for the three ways people take it."""

    download: str
    """The feed itself (http or https): a one-off import, or any app that asks for a URL."""

    @property
    def webcal(self) -> str:
        """The same address as ``webcal://``, which opens the system's calendar app to subscribe."""
        return urlunsplit(urlsplit(self.download)._replace(scheme="webcal"))

    @property
    def google(self) -> str:
        """Google Calendar's page for subscribing to the webcal address."""
        return GOOGLE_CALENDAR_SUBSCRIBE + quote(self.webcal, safe="")


def feed_links(endpoint: str, **values: Any) -> FeedLinks:
    """The links of the feed route ``endpoint`` (``feeds.programme``, say) at the base URL."""
    path = url_for(endpoint, **values)
    # url_for puts the app's mount point in front; the base URL already ends with it.
    if request.script_root and path.startswith(request.script_root + "/"):
        path = path[len(request.script_root) :]
    return FeedLinks(download=feed_settings().base_url.rstrip("/") + path)
