"""Form pieces both kinds of request use: the field for the citizen's files (several at once, checked later)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_tracker import uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def attachments_field() -> MultipleFileField:
    """The citizen's files of a request or an e-request; each is checked by uploads.upload_check in the view."""
    return MultipleFileField(
        label=_("Add files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": uploads.ACCEPT}),
        help_text=_("Photos (GIF, JPEG, PNG) or documents (DOC, DOCX, ODT, PDF), up to 5 files."),
    )
