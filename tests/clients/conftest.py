"""The programmes every client test runs on: the two demo events and a generated large one."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session as DbSession

from tests.clients.programmes import Programme, demo_programmes, generated_programme

PROGRAMMES = ("pfp30-baku", "baku-energy-security-workshop", "generated-500")


@pytest.fixture(params=PROGRAMMES)
def programme(request: pytest.FixtureRequest, db: DbSession) -> Programme:
    """Each demo event, and a generated programme of 500 public sessions."""
    if request.param == "generated-500":
        return generated_programme(db, size=500)
    return demo_programmes(db)[request.param]
