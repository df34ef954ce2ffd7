"""confkit: a toolkit for running a conference, usable without any web framework."""

from confkit.db import Store, open_store
from confkit.errors import (
    CapacityError,
    ConfkitError,
    ConflictError,
    NotFound,
    Problem,
    ValidationError,
)

__all__ = [
    "CapacityError",
    "ConfkitError",
    "ConflictError",
    "NotFound",
    "Problem",
    "Store",
    "ValidationError",
    "open_store",
]
