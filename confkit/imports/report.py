"""What an import did, in the same shape for every file format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportReport:
    """Objects created, sessions updated, and sessions that were already as the file lists them."""

    rooms_created: int = 0
    tracks_created: int = 0
    persons_created: int = 0
    sessions_created: int = 0
    sessions_updated: int = 0
    sessions_unchanged: int = 0

    def summary(self) -> str:
        """One line for a person: "3 sessions created, 0 updated, 0 unchanged; 1 room, ..."."""
        extras = [
            f"{count} {name} created"
            for count, name in (
                (self.rooms_created, "room(s)"),
                (self.tracks_created, "track(s)"),
                (self.persons_created, "person(s)"),
            )
            if count
        ]
        sessions = (
            f"sessions: {self.sessions_created} created, {self.sessions_updated} updated, "
            f"{self.sessions_unchanged} unchanged"
        )
        return "; ".join([sessions, *extras])
