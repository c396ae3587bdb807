"""The online application form, built from the catalogue: the case, the applicant and owner, one
upload (or a stored document) per required document, and the return channel."""
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.translation import translated
from motcua.core.validators import PERSON_NAME_MAX_LENGTH, RefuseOverlongMixin, validate_person_name_characters
from motcua.documents import applications, services as store
from motcua.documents.uploads import check_upload
from motcua.dossiers.models import ReturnChannel
from motcua.organization.models import ServicePoint
from motcua.postal.services import delivery_units

from . import places

PARTY_FIELDS = ("name", "id_number", "birth_date", "phone", "email", "address")
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _party_fields(prefix: str, required: bool) -> dict:
    return {
        f"{prefix}_name": forms.CharField(label=gettext_lazy("Full name"), max_length=PERSON_NAME_MAX_LENGTH,
                                          required=required, validators=[validate_person_name_characters]),
        f"{prefix}_id_number": forms.CharField(
            label=gettext_lazy("Citizen ID (12 digits) or tax code"), max_length=14, required=required),
        f"{prefix}_birth_date": forms.DateField(
            label=gettext_lazy("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
        f"{prefix}_phone": forms.CharField(label=gettext_lazy("Phone"), max_length=15, required=False),
        f"{prefix}_email": forms.EmailField(label=gettext_lazy("E-mail"), required=False),
        f"{prefix}_address": forms.CharField(label=gettext_lazy("Address"), max_length=500, required=False),
    }


def prefill_from_account(user) -> dict:
    """The applicant as the account's profile knows them (accounts app), else empty."""
    profile = getattr(user, "citizen_account", None)
    if profile is None:
        return {"applicant_email": user.email or ""}
    return {
        "applicant_name": profile.full_name, "applicant_id_number": profile.citizen_id or profile.tax_code or "",
        "applicant_birth_date": profile.birth_date, "applicant_phone": profile.phone or "",
        "applicant_email": profile.email or user.email or "", "applicant_address": profile.address,
    }


def business_from_registry(user, page: str | None = None) -> tuple[dict, dict | None]:
    """For a business account: the owner pre-filled from the business registry with the account's
    own tax code (checked, throttled and audited in integrations.business.lookups), and what the
    page shows about it (name, legal status, a warning when suspended or dissolved). ({}, None)
    for a person's account; ({}, {"message": ...}) when the registry cannot answer."""
    from motcua.integrations import business

    profile = getattr(user, "citizen_account", None)
    if profile is None or not getattr(profile, "is_business", False) or not profile.tax_code:
        return {}, None
    try:
        found = business.prefill(profile.tax_code, user=user, page=page)
    except (business.InvalidTaxCode, business.LookupRefused, business.RegistryUnavailable):
        return {}, {"message": _("The business registry could not be asked now: type the business's details in.")}
    if not found:
        return {}, {"message": _("The business registry has no business with your account's tax code.")}
    # The business is the owner; the applicant is the person acting for it (their citizen ID, if known).
    initial = {"owner_same": False, "owner_name": found["name"], "owner_id_number": found["tax_code"],
               "owner_address": found["address"], "applicant_id_number": profile.citizen_id or ""}
    return initial, {**found, "message": _("The owner is filled in from the national business registry.")}


def party_kind(id_number: str) -> str:
    """A tax code (10 digits, or 13 for a branch) names a business, anything else a person."""
    return "business" if re.fullmatch(r"\d{10}(?:-?\d{3})?", (id_number or "").strip()) else "person"


def initial_from_draft(draft) -> dict:
    data = draft.data or {}
    initial = {"key": str(draft.key), "case": data.get("case") or "", "owner_same": data.get("owner_same", True),
               "return_channel": data.get("return_channel") or ReturnChannel.ONLINE,
               "delivery_address": data.get("delivery_address", ""), "service_point": data.get("service_point"),
               "delivery_unit": data.get("delivery_unit"),
               "competent_agency": data.get("competent_agency") or "", "receiving_point": data.get("receiving_point") or ""}
    for role in ("applicant", "owner"):
        for name in PARTY_FIELDS:
            initial[f"{role}_{name}"] = (data.get(role) or {}).get(name, "")
    for required_id, stored_id in (data.get("picks") or {}).items():
        initial[f"stored_{required_id}"] = str(stored_id)
    return initial


class ApplicationForm(RefuseOverlongMixin, forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, version, user, *args, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version, self.user, self.draft = version, user, draft
        cases = list(version.cases.all())
        if cases:
            self.fields["case"] = forms.TypedChoiceField(
                label=gettext_lazy("Case"), coerce=int, choices=[("", "---")] + [(c.pk, translated(c, "name").text) for c in cases])
        self.fields.update(_party_fields("applicant", required=True))
        self.fields["owner_same"] = forms.BooleanField(
            label=gettext_lazy("The owner of the dossier is the applicant"), required=False, initial=True)
        self.fields.update(_party_fields("owner", required=False))
        self.fields["return_channel"] = forms.ChoiceField(
            label=gettext_lazy("How do you want to receive the result?"), choices=ReturnChannel.choices,
            widget=forms.RadioSelect, initial=ReturnChannel.ONLINE)
        self.fields["delivery_address"] = forms.CharField(
            label=gettext_lazy("Delivery address (by post)"), max_length=500, required=False)
        # The commune or ward in force (after the 2025 mergers) the post delivers to (postal app).
        self.fields["delivery_unit"] = forms.ModelChoiceField(
            label=gettext_lazy("Commune or ward (by post)"), required=False, queryset=delivery_units())
        self.fields["service_point"] = forms.ModelChoiceField(
            label=gettext_lazy("Service point (at the counter)"), required=False,
            queryset=ServicePoint.objects.order_by("name"))
        self._where_fields()
        stored_choices = [("", gettext_lazy("- none, I upload a file -"))] + [
            (str(s.pk), f"{s.kind}{' ' + s.number if s.number else ''} ({s.get_source_display()})")
            for s in store.usable_for(user)
        ]
        self.documents = applications.applicable_documents(version, self._case_from_data())
        self.document_rows = []
        for required in self.documents:
            upload = forms.FileField(
                label=translated(required, "name").text, required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
            pick = forms.ChoiceField(label=gettext_lazy("or pick from your data store"), required=False,
                                     choices=stored_choices)
            self.fields[f"file_{required.pk}"] = upload
            self.fields[f"stored_{required.pk}"] = pick
            self.document_rows.append(required)
        self.checked_files = {}

    def _where_fields(self):
        """Who handles the dossier (a required choice when the procedure has several competent
        agencies) and, for a boundary-free procedure, the service point that receives it. Never a
        silent first choice; the unit of the applicant's residence is pre-selected."""
        day = timezone.localdate()
        self.agencies = places.competent_agencies(self.version, day)
        self.points = places.receiving_points(self.version, day) if self.version.is_boundary_free else []
        if len(self.agencies) > 1:
            self.fields["competent_agency"] = forms.TypedChoiceField(
                label=gettext_lazy("Agency that handles your dossier"), coerce=int,
                choices=[("", "---")] + [(a.pk, a.name_on(day)) for a in self.agencies],
                help_text=gettext_lazy("Pre-selected: the one of the place where you live. Change it if needed."),
                error_messages={
                    "required": gettext_lazy("Choose the agency that will handle your dossier."),
                    "invalid_choice": gettext_lazy("This agency does not handle this procedure; choose one from "
                                                   "the list."),
                })
        if len(self.points) > 1:
            self.fields["receiving_point"] = forms.TypedChoiceField(
                label=gettext_lazy("Service point that receives your dossier"), coerce=int,
                choices=[("", "---")] + [(p.service_point.pk, p.service_point.name_on(day)) for p in self.points],
                help_text=gettext_lazy("This procedure is boundary-free: any of these service points receives it "
                                       "and the competent agency handles it."),
                error_messages={
                    "required": gettext_lazy("Choose the service point that receives your dossier."),
                    "invalid_choice": gettext_lazy("This service point does not receive this procedure; choose one "
                                                   "from the list."),
                })
        if self.is_bound or not ({"competent_agency", "receiving_point"} & set(self.fields)):
            return
        residence = None
        if not self.initial.get("competent_agency") or not self.initial.get("receiving_point"):
            residence = places.residence_unit(self.user)
        agency = None
        if "competent_agency" in self.fields:
            chosen = self.initial.get("competent_agency")
            agency = next((a for a in self.agencies if str(a.pk) == str(chosen)), None) if chosen else None
            if agency is None:
                agency = places.agency_of_unit(self.agencies, residence)
                self.initial["competent_agency"] = agency.pk if agency else ""
        elif self.agencies:
            agency = self.agencies[0]
        if "receiving_point" in self.fields and not self.initial.get("receiving_point"):
            point = places.point_for(self.points, agency, residence)
            self.initial["receiving_point"] = point.service_point.pk if point else ""

    def where(self) -> dict:
        """The agencies and service point of the submission, from the valid cleaned data:
        {"competent_agency", "receiving_agency", "receiving_point"} (None where the engine decides)."""
        data = getattr(self, "cleaned_data", {}) or {}
        out = {"competent_agency": None, "receiving_agency": None, "receiving_point": None}
        if "competent_agency" in self.fields:
            out["competent_agency"] = next((a for a in self.agencies if a.pk == data.get("competent_agency")), None)
        elif len(self.agencies) == 1:
            out["competent_agency"] = self.agencies[0]
        if self.points:
            if "receiving_point" in self.fields:
                point = next((p for p in self.points if p.service_point.pk == data.get("receiving_point")), None)
            else:
                point = self.points[0]
            if point is not None:
                out["receiving_point"], out["receiving_agency"] = point.service_point, point.agency
        elif out["competent_agency"] is not None:
            # Not boundary-free: the chosen agency receives its own dossiers, unless the catalogue
            # names other receiving agencies (the engine then picks among them).
            if not self.version.receiving_agencies.exists():
                out["receiving_agency"] = out["competent_agency"]
        return out

    def _case_from_data(self):
        raw = (self.data.get("case") if self.is_bound else None) or self.initial.get("case")
        if not raw:
            return None
        return self.version.cases.filter(pk=raw if str(raw).isdigit() else 0).first()

    def rows(self):
        """(required document, upload field, pick field, file already in the draft) per document."""
        kept = {f.required_document_id: f for f in self.draft.files.all()} if self.draft else {}
        return [(r, self[f"file_{r.pk}"], self[f"stored_{r.pk}"], kept.get(r.pk)) for r in self.document_rows]

    def clean(self):
        data = super().clean()
        for required in self.document_rows:
            upload = data.get(f"file_{required.pk}")
            if upload:
                try:
                    self.checked_files[required.pk] = check_upload(upload)
                except ValidationError as exc:
                    self.add_error(f"file_{required.pk}", exc)
        if data.get("return_channel") == ReturnChannel.POST and not (
            data.get("delivery_address") or data.get("applicant_address")
        ):
            self.add_error("delivery_address", _("Give the address to deliver the result to."))
        if data.get("return_channel") == ReturnChannel.POST and not data.get("delivery_unit"):
            self.add_error("delivery_unit", _("Choose the commune or ward to deliver the result to."))
        if data.get("return_channel") == ReturnChannel.COUNTER and not data.get("service_point"):
            self.add_error("service_point", _("Choose the service point where you will collect the result."))
        return data

    def draft_data(self) -> dict:
        """What to keep in the draft: valid values, and the raw text of invalid ones to correct."""
        def value(name):
            if name in self.cleaned_data:
                v = self.cleaned_data[name]
                return v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else v)
            return self.data.get(name, "")

        service_point = self.cleaned_data.get("service_point")
        picks = {}
        for required in self.document_rows:
            chosen = self.cleaned_data.get(f"stored_{required.pk}")
            if chosen and required.pk not in self.checked_files:
                picks[str(required.pk)] = int(chosen)
        return {
            "case": self.cleaned_data.get("case") or None,
            "applicant": {**{n: value(f"applicant_{n}") for n in PARTY_FIELDS},
                          "kind": party_kind(str(value("applicant_id_number")))},
            "owner_same": bool(self.cleaned_data.get("owner_same", True)),
            "owner": {**{n: value(f"owner_{n}") for n in PARTY_FIELDS},
                      "kind": party_kind(str(value("owner_id_number")))},
            "return_channel": value("return_channel") or ReturnChannel.ONLINE,
            "delivery_address": value("delivery_address"),
            "delivery_unit": getattr(self.cleaned_data.get("delivery_unit"), "pk", None),
            "service_point": service_point.pk if service_point else None,
            "competent_agency": self.cleaned_data.get("competent_agency") or None,
            "receiving_point": self.cleaned_data.get("receiving_point") or None,
            "picks": picks,
        }


def new_key() -> str:
    return str(uuid.uuid4())


class SupplementForm(RefuseOverlongMixin, forms.Form):
    """Answer a supplement request: up to five files, stored documents, and a note."""

    name = forms.CharField(label=gettext_lazy("What the files are"), max_length=300, required=False)
    file1 = forms.FileField(label=gettext_lazy("File 1"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    file2 = forms.FileField(label=gettext_lazy("File 2"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    file3 = forms.FileField(label=gettext_lazy("File 3"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    stored = forms.MultipleChoiceField(label=gettext_lazy("Documents from your data store"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=gettext_lazy("Note to the officer"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["stored"].choices = [(str(s.pk), s.kind) for s in store.usable_for(user)]
        self.checked = []

    def clean(self):
        data = super().clean()
        from motcua.documents.uploads import check_total

        for name in ("file1", "file2", "file3"):
            upload = data.get(name)
            if upload:
                try:
                    self.checked.append(check_upload(upload))
                except ValidationError as exc:
                    self.add_error(name, exc)
        try:
            check_total(c.size for c in self.checked)
        except ValidationError as exc:
            self.add_error(None, exc)
        if not self.errors and not self.checked and not data.get("stored"):
            raise ValidationError(_("Attach at least one file or pick a document from your data store."))
        return data

    def picked(self):
        ids = [int(i) for i in self.cleaned_data.get("stored") or []]
        return list(store.usable_for(self.user).filter(pk__in=ids))
