"""The public programme's filters, by track, kind of session and language, checked against what
the programme holds so a mistyped address gets a clear answer rather than an empty page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.i18n import N_
from confkit.models import Event, SessionKind, Track
from confkit.schedule import event_tracks, sessions_query
from confkit.services.checks import Problems

FILTER_FIELDS = ("track", "kind", "language")
# A filter given twice, by field: each names what it filters by.
_ONE_AT_MOST = {
    "track": N_("Choose one track at most, not %(count)s."),
    "kind": N_("Choose one kind at most, not %(count)s."),
    "language": N_("Choose one language at most, not %(count)s."),
}


@dataclass(frozen=True)
class FilterChoices:
    """What the public programme can be narrowed to: the event's tracks, and the kinds and
    languages its public sessions have."""

    tracks: tuple[Track, ...]
    kinds: tuple[SessionKind, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeFilter:
    """The choices made; None means "any"."""

    track: Track | None = None
    kind: SessionKind | None = None
    language: str | None = None

    @property
    def active(self) -> bool:
        """Whether anything is filtered out."""
        return (self.track, self.kind, self.language) != (None, None, None)


def filter_choices(db: DbSession, event: Event) -> FilterChoices:
    """The tracks, kinds and languages the event's public programme offers, in two queries."""
    tracks = event_tracks(db, event)
    published = sessions_query(event).order_by(None).subquery()
    pairs = db.execute(select(published.c.kind, published.c.language).distinct()).all()
    present_kinds = {kind for kind, _language in pairs}
    present_languages = {language for _kind, language in pairs if language}
    # The event's own languages first, in its order, then any other a session is held in.
    languages = [code for code in event.languages or () if code in present_languages]
    languages += sorted(present_languages - set(languages))
    return FilterChoices(
        tracks=tracks,
        kinds=tuple(kind for kind in SessionKind if kind in present_kinds),
        languages=tuple(languages),
    )


def read_programme_filter(
    choices: FilterChoices, values: Mapping[str, Sequence[str]]
) -> ProgrammeFilter:
    """The filter that ``values`` (field name -> the values given, as a query string holds them)
    asks for. An empty value means "any". Raises ValidationError naming each field given more
    than once or with a value the programme does not offer."""
    problems = Problems()
    given: dict[str, str] = {}
    for field in FILTER_FIELDS:
        chosen = [value for value in values.get(field, ()) if value.strip()]
        if len(chosen) > 1:
            problems.add(field, _ONE_AT_MOST[field], count=len(chosen))
        elif chosen:
            given[field] = chosen[0].strip()
    track = None
    if "track" in given:
        track = next((t for t in choices.tracks if t.slug == given["track"]), None)
        if track is None:
            problems.add(
                "track", N_("This event has no track %(track)s."), track=repr(given["track"])
            )
    kind = None
    if "kind" in given:
        try:
            kind = SessionKind(given["kind"])
        except ValueError:
            known = ", ".join(k.value for k in SessionKind)
            problems.add(
                "kind",
                N_("%(kind)s is not a kind of session; use one of %(known)s."),
                kind=repr(given["kind"]),
                known=known,
            )
    language = given.get("language")
    if language is not None and language not in choices.languages:
        problems.add(
            "language",
            N_("No session of this programme is held in %(language)s."),
            language=repr(language),
        )
    problems.raise_if_any()
    return ProgrammeFilter(track=track, kind=kind, language=language)
