"""The action forms of the dossier page: one small form per engine command.

Each entry says how the action is labelled, which form collects its input, and how the form's
data becomes the engine call. Which actions appear is decided by the engine
(`services.actions_for`: transition table + the user's permissions for the dossier's agency).
"""
from dataclasses import dataclass
from typing import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcessStep
from motcua.core.validators import RefuseOverlongMixin
from motcua.dossiers import services
from motcua.dossiers.models import ResultKind


class NoteForm(RefuseOverlongMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReasonForm(RefuseOverlongMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(RefuseOverlongMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(RefuseOverlongMixin, forms.Form):
    pass


class SupplementRequestForm(RefuseOverlongMixin, forms.Form):
    items = forms.CharField(
        label=_("Missing items (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_items(self):
        items = [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
        if not items:
            raise forms.ValidationError(_("List at least one missing item."))
        return items


def _officers_of(agency_ids):
    """Officers holding an active role in one of these agencies (for hand-over and assignment)."""
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__agency_id__in=agency_ids)
        .filter(Q(role_assignments__valid_from__isnull=True) | Q(role_assignments__valid_from__lte=today))
        .filter(Q(role_assignments__valid_to__isnull=True) | Q(role_assignments__valid_to__gte=today))
        .select_related("staff_profile")
        .distinct()
        .order_by("username")
    )


def _officer_label(user):
    profile = getattr(user, "staff_profile", None)
    return f"{profile.full_name} ({user.username})" if profile else user.username


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _officer_label(obj)


class HandOverForm(RefuseOverlongMixin, forms.Form):
    to_step = forms.TypedChoiceField(label=_("Send to step"), coerce=int)
    to_officer = OfficerChoiceField(label=_("Officer (optional)"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        steps = ProcessStep.objects.filter(version_id=dossier.procedure_version_id)
        case_steps = steps.filter(case_id=dossier.case_id) if dossier.case_id else steps.none()
        steps = case_steps if case_steps.exists() else steps.filter(case__isnull=True)
        current = dossier.current_step_index
        choices = []
        for step in steps.order_by("order"):
            if current is not None and step.order == current:
                continue
            direction = _("back to") if current is not None and step.order < current else _("forward to")
            unit = f" · {step.unit}" if step.unit else ""
            choices.append((step.order, f"{direction} {step.order}. {step.name}{unit}"))
        self.fields["to_step"].choices = choices
        following = [order for order, _label in choices if current is None or order > current]
        if following:
            self.fields["to_step"].initial = following[0]
        agency_ids = {dossier.current_agency_id or dossier.competent_agency_id, dossier.competent_agency_id}
        self.fields["to_officer"].queryset = _officers_of(agency_ids)


class AssignForm(RefuseOverlongMixin, forms.Form):
    officer = OfficerChoiceField(label=_("Officer"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = _officers_of({dossier.current_agency_id or dossier.competent_agency_id})


class PaymentRequestForm(RefuseOverlongMixin, forms.Form):
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PaymentConfirmForm(RefuseOverlongMixin, forms.Form):
    amount_paid = forms.IntegerField(label=_("Amount paid (VND)"), min_value=0, required=False)
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=50, required=False)


class ResolveForm(RefuseOverlongMixin, forms.Form):
    result_kind = forms.ChoiceField(label=_("Result"), choices=ResultKind.choices, initial=ResultKind.PAPER)
    result_description = forms.CharField(label=_("Description of the result"), max_length=500, required=False)
    result_file = forms.FileField(label=_("Electronic result file"), required=False)


class ApologyForm(RefuseOverlongMixin, forms.Form):
    new_appointment = forms.DateField(label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason for the delay"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


@dataclass(frozen=True)
class ActionSpec:
    label: str
    form_class: type
    run: Callable  # (user, dossier, cleaned_data, expected_version) -> Dossier
    needs_dossier: bool = False  # the form's choices depend on the dossier


def _call(command, **fixed):
    def run(user, dossier, data, version):
        return command(user, dossier, expected_version=version, **fixed, **data)

    return run


ACTIONS: dict[str, ActionSpec] = {
    "take": ActionSpec(_("Take this dossier"), EmptyForm, _call(services.take)),
    "accept_online": ActionSpec(_("Accept the online dossier"), NoteForm, _call(services.accept_online)),
    "start_processing": ActionSpec(_("Start processing"), EmptyForm, _call(services.start_processing)),
    "hand_over": ActionSpec(_("Hand over"), HandOverForm, _call(services.hand_over), needs_dossier=True),
    "request_supplement": ActionSpec(
        _("Request a supplement"), SupplementRequestForm, _call(services.request_supplement)
    ),
    "receive_supplement": ActionSpec(_("Receive the supplement"), NoteForm, _call(services.receive_supplement)),
    "request_payment": ActionSpec(
        _("Wait for the financial obligation"), PaymentRequestForm, _call(services.request_payment)
    ),
    "confirm_payment": ActionSpec(_("Confirm the payment"), PaymentConfirmForm, _call(services.confirm_payment)),
    "assign": ActionSpec(_("Assign to an officer"), AssignForm, _call(services.assign), needs_dossier=True),
    "resolve": ActionSpec(_("Approve and issue the result"), ResolveForm, _call(services.resolve)),
    "apologise": ActionSpec(_("Apologise with a new appointment"), ApologyForm, _call(services.apologise)),
    "return_result": ActionSpec(_("Return the result"), NoteForm, _call(services.return_result)),
    "refuse_intake": ActionSpec(_("Refuse the dossier"), ReasonForm, _call(services.refuse_intake)),
    "withdraw": ActionSpec(_("Withdraw at the applicant's request"), OptionalReasonForm, _call(services.withdraw)),
    "stop": ActionSpec(_("Stop handling"), ReasonForm, _call(services.stop)),
}

# The order in which the buttons appear: the usual next move first.
ORDER = list(ACTIONS)


def build_form(name: str, dossier, data=None, files=None):
    spec = ACTIONS[name]
    kwargs = {"dossier": dossier} if spec.needs_dossier else {}
    return spec.form_class(data, files, prefix=name, **kwargs)
