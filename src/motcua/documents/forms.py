"""The form of an uploaded paper document: the file (checked by the one upload check) and what the
paper says of itself. Used by the officer's digitisation page and the citizen's data store."""
from django import forms
from django.utils.translation import gettext_lazy

from .uploads import check_upload


class DocumentUploadForm(forms.Form):
    """Number, issuer, issue date, valid until, and a `file` field: checked with `check_upload`,
    the CheckedFile left in `self.checked`. Subclasses give the file its label (and widget) and
    add their own fields; `field_order` keeps each page's order."""

    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG, PNG)"))
    number = forms.CharField(label=gettext_lazy("Number"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=255, required=False)
    issue_date = forms.DateField(label=gettext_lazy("Issue date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def clean_file(self):
        self.checked = check_upload(self.cleaned_data["file"])
        return self.cleaned_data["file"]
