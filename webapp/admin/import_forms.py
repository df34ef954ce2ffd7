"""The forms of the import pages: the upload, and the confirmation of what was previewed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Regexp

from webapp.admin.import_uploads import TOKEN_PATTERN
from webapp.forms import AppForm

# The kinds of file the pages import, with what the form calls them.
IMPORT_KINDS = {
    "sessions-csv": _l("Sessions (one a row)"),
    "attendees-csv": _l("Attendees (one a row)"),
}
_CHOICES = [SelectChoice(value, label) for value, label in IMPORT_KINDS.items()]


class ImportUploadForm(AppForm):
    """What to import and the file; the file is checked by the importer, not here."""

    kind = SelectField(_l("What the file holds"), choices=_CHOICES, validators=[InputRequired()])
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to upload."))])


class ImportConfirmForm(AppForm):
    """The button that imports the file just previewed, named by its token."""

    kind = SelectField(choices=_CHOICES, validators=[InputRequired()])
    upload = HiddenField(validators=[InputRequired(), Regexp(TOKEN_PATTERN)])
