"""Words for what a registration's history records as codes: the buttons' actions, what was done
and who did it, in the request's locale.

confkit keeps these as short English codes ("approve", "attendee", "organiser:EMAIL"); the
organisers' pages show them in the reader's language, and a code this module does not know as
it is written. The English words are the codes themselves, so the English pages read as before.
"""

from __future__ import annotations

from typing import Final

from flask_babel import LazyString, lazy_pgettext, pgettext

from confkit.models import RegistrationStatus
from confkit.services.history import ATTENDEE, SYSTEM
from confkit.services.registration_actions import RegistrationAction
from webapp.labels import label

ACTION_BUTTONS: Final[dict[RegistrationAction, LazyString]] = {
    RegistrationAction.APPROVE: lazy_pgettext("registration action, a button", "Approve"),
    RegistrationAction.REJECT: lazy_pgettext("registration action, a button", "Reject"),
    RegistrationAction.CANCEL: lazy_pgettext("registration action, a button", "Cancel"),
    RegistrationAction.PROMOTE: lazy_pgettext("registration action, a button", "Promote"),
}

# Every action confkit writes in a registration's history.
HISTORY_ACTIONS: Final[dict[str, LazyString]] = {
    "register": lazy_pgettext("registration history", "register"),
    "register again": lazy_pgettext("registration history", "register again"),
    "add": lazy_pgettext("registration history", "add"),
    "confirm": lazy_pgettext("registration history", "confirm"),
    "approve": lazy_pgettext("registration history", "approve"),
    "place": lazy_pgettext("registration history", "place"),
    "reject": lazy_pgettext("registration history", "reject"),
    "cancel": lazy_pgettext("registration history", "cancel"),
    "promote": lazy_pgettext("registration history", "promote"),
    "expire": lazy_pgettext("registration history", "expire"),
    "check in": lazy_pgettext("registration history", "check in"),
    "new link": lazy_pgettext("registration history", "new link"),
    "announcement": lazy_pgettext("registration history", "announcement"),
    "erase": lazy_pgettext("registration history", "erase"),
}

# The actors written as a word; the web app's own are written where they act (the check-in
# desk, the command-line import) and repeated here, as the history stores them.
_ACTORS: Final[dict[str, LazyString]] = {
    ATTENDEE: lazy_pgettext("who acted", "attendee"),
    SYSTEM: lazy_pgettext("who acted", "system"),
    "cli": lazy_pgettext("who acted", "cli"),
    "organiser (confkit import)": lazy_pgettext("who acted", "organiser (confkit import)"),
    "check-in desk": lazy_pgettext("who acted", "check-in desk"),
}
# Actors written as a word and who: "organiser:aysel@example.org", "check-in desk (EMAIL)".
_ORGANISER: Final = "organiser:"
_USER: Final = "user:"
_DESK: Final = "check-in desk ("


def action_button_label(action: RegistrationAction) -> str:
    """The button that applies ``action``: "Approve"."""
    return str(ACTION_BUTTONS[action])


def history_action_label(action: str) -> str:
    """What a history entry says was done: "approve", or the code if it is not known."""
    word = HISTORY_ACTIONS.get(action)
    return action if word is None else str(word)


def actor_label(actor: str) -> str:
    """Who did it: "attendee", "organiser:aysel@example.org"; an unknown actor as written."""
    word = _ACTORS.get(actor)
    if word is not None:
        return str(word)
    if actor.startswith(_ORGANISER):
        return pgettext("who acted", "organiser:%(who)s", who=actor.removeprefix(_ORGANISER))
    if actor.startswith(_USER):
        return pgettext("who acted", "user:%(who)s", who=actor.removeprefix(_USER))
    if actor.startswith(_DESK) and actor.endswith(")"):
        return pgettext("who acted", "check-in desk (%(who)s)", who=actor[len(_DESK) : -1])
    return actor


def status_label(value: str | None) -> str:
    """A registration status given by its value ("awaiting_approval"), in words; "–" for none."""
    if not value:
        return "–"
    try:
        return label(RegistrationStatus(value))
    except ValueError:
        return value
