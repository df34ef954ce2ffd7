"""Column helpers shared by the model modules."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def constrained_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR with a named CHECK constraint: portable, and the database refuses other values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(str(m.value)) for m in enum_class),
        values_callable=lambda members: [str(m.value) for m in members],
        validate_strings=True,
    )
