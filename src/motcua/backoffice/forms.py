"""Forms of the officer pages. Validation here is about what the officer typed; the dossier
engine checks the rest (transitions, permissions, the procedure's channels)."""
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.identity_numbers import normalise_tax_code
from motcua.core.validators import PERSON_NAME_MAX_LENGTH, RefuseOverlongMixin, validate_person_name_characters

CITIZEN_ID = re.compile(r"^\d{12}$")


def clean_citizen_id(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if not CITIZEN_ID.match(value):
        raise forms.ValidationError(_("A citizen ID has exactly 12 digits."), code="citizen_id")
    return value


class ReturnChannel:
    COUNTER = "counter"
    ONLINE = "online"
    POST = "post"
    CHOICES = [
        (COUNTER, _("At the counter")),
        (ONLINE, _("Online (electronic result)")),
        (POST, _("By post to an address")),
    ]


class IntakeForm(RefuseOverlongMixin, forms.Form):
    """The counter intake form; the document checklist fields are added per procedure case."""

    procedure = forms.CharField(widget=forms.HiddenInput)
    case = forms.CharField(widget=forms.HiddenInput, required=False)

    applicant_citizen_id = forms.CharField(label=_("Citizen ID"), max_length=20)
    applicant_name = forms.CharField(label=_("Full name"), max_length=PERSON_NAME_MAX_LENGTH,
                                     validators=[validate_person_name_characters])
    applicant_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)

    owner_same = forms.BooleanField(label=_("The owner is the applicant"), required=False, initial=True)
    # Filled: the owner is that business (its name and head office from the business registry).
    owner_tax_code = forms.CharField(label=_("Tax code of the business (when the owner is a business)"),
                                     max_length=14, required=False)
    owner_citizen_id = forms.CharField(label=_("Owner's citizen ID"), max_length=20, required=False)
    owner_name = forms.CharField(label=_("Owner's full name"), max_length=PERSON_NAME_MAX_LENGTH, required=False,
                                 validators=[validate_person_name_characters])
    owner_phone = forms.CharField(label=_("Owner's phone"), max_length=30, required=False)
    owner_address = forms.CharField(label=_("Owner's address"), max_length=300, required=False)

    return_channel = forms.ChoiceField(
        label=_("Return of the result"), choices=ReturnChannel.CHOICES, initial=ReturnChannel.COUNTER
    )
    return_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, documents=(), stored_documents=(), competent_agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        # The procedure's competent agencies the officer chooses among (engine.competent_choices):
        # a boundary-free procedure received here and handled by the competent agency.
        self.competent_agencies = list(competent_agencies)
        if self.competent_agencies:
            today = timezone.localdate()
            self.fields["competent_agency"] = forms.TypedChoiceField(
                label=_("Competent agency (handles the dossier)"), coerce=int,
                choices=[("", "---")] + [(a.pk, a.name_on(today)) for a in self.competent_agencies],
                error_messages={
                    "required": _("Choose the competent agency that will handle the dossier."),
                    "invalid_choice": _("This agency is not competent for this procedure; choose one from the list."),
                },
            )
        # The owner's stored documents the officer may re-use ({pk: StoredDocument}), looked up
        # by the citizen ID typed on this form.
        self.stored = {stored.pk: stored for stored in stored_documents}
        for doc in self.documents:
            self.fields[f"doc_{doc.pk}"] = forms.BooleanField(required=False, label=doc.name)
            self.fields[f"doc_{doc.pk}_reuse"] = forms.BooleanField(required=False, label=_("Use the stored copy"))
            self.fields[f"doc_{doc.pk}_stored"] = forms.IntegerField(required=False, min_value=1)
            for part, default in (("originals", doc.originals), ("certified", doc.certified_copies), ("copies", doc.copies)):
                self.fields[f"doc_{doc.pk}_{part}"] = forms.IntegerField(
                    min_value=0, max_value=99, initial=default, required=False
                )

    def clean_applicant_citizen_id(self):
        return clean_citizen_id(self.cleaned_data.get("applicant_citizen_id"))

    def clean(self):
        data = super().clean()
        for doc in self.documents:
            if data.get(f"doc_{doc.pk}_reuse") and data.get(f"doc_{doc.pk}_stored") not in self.stored:
                self.add_error(
                    None,
                    _("The stored copy chosen for \"%(name)s\" is not available for this person: choose another "
                      "or count the paper copies.") % {"name": doc.name},
                )
        missing = [
            doc.name for doc in self.documents
            if doc.is_required and not data.get(f"doc_{doc.pk}") and not data.get(f"doc_{doc.pk}_reuse")
        ]
        if missing:
            self.add_error(
                None,
                _("Required documents not handed in: %(names)s. The dossier cannot be received without them.")
                % {"names": "; ".join(missing)},
            )
        if data.get("owner_tax_code"):
            try:
                data["owner_tax_code"] = normalise_tax_code(data["owner_tax_code"])
            except forms.ValidationError as error:
                self.add_error("owner_tax_code", error)
            if data.get("owner_same"):
                self.add_error("owner_same", _("The owner is the business of the tax code given: untick \"the owner "
                                               "is the applicant\"."))
            elif not data.get("owner_name"):
                self.add_error("owner_name", _("Give the business's name, or look it up by its tax code."))
        elif not data.get("owner_same"):
            for name in ("owner_name", "owner_citizen_id"):
                if not data.get(name):
                    self.add_error(name, _("Give the owner's details, or tick that the owner is the applicant."))
            if data.get("owner_citizen_id"):
                try:
                    data["owner_citizen_id"] = clean_citizen_id(data["owner_citizen_id"])
                except forms.ValidationError as error:
                    self.add_error("owner_citizen_id", error)
        if data.get("return_channel") == ReturnChannel.POST and not data.get("return_address"):
            self.add_error("return_address", _("Give the address the result is to be posted to."))
        return data

    def competent_agency(self):
        """The competent agency chosen (an Agency of the offered ones), None when none is offered."""
        chosen = self.cleaned_data.get("competent_agency")
        return next((a for a in self.competent_agencies if a.pk == chosen), None)

    def handed_in_documents(self):
        """[(required document, originals, certified copies, copies)] for the ticked items."""
        data = self.cleaned_data
        rows = []
        for doc in self.documents:
            if data.get(f"doc_{doc.pk}"):
                rows.append(
                    (
                        doc,
                        data.get(f"doc_{doc.pk}_originals") or 0,
                        data.get(f"doc_{doc.pk}_certified") or 0,
                        data.get(f"doc_{doc.pk}_copies") or 0,
                    )
                )
        return rows

    def reused_documents(self) -> dict:
        """{required document id: StoredDocument} for the items the officer re-uses from the store."""
        data = self.cleaned_data
        return {
            doc.pk: self.stored[data[f"doc_{doc.pk}_stored"]]
            for doc in self.documents
            if data.get(f"doc_{doc.pk}_reuse") and data.get(f"doc_{doc.pk}_stored") in self.stored
        }
