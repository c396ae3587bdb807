from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COUNTER_METHODS, Method


class CounterPaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (đồng)"), min_value=1, max_value=10_000_000_000,
                                error_messages={"min_value": _("The amount must be more than 0 đồng."),
                                                "max_value": _("The amount is not plausible; check the figure."),
                                                "invalid": _("The amount must be a whole number of đồng.")})
    method = forms.ChoiceField(label=_("Method"), choices=[(m.value, m.label) for m in Method if m in COUNTER_METHODS])
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=50)


class RefundForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount to refund (đồng)"), min_value=1, max_value=10_000_000_000,
                                required=False,
                                help_text=_("Leave empty to refund all that is left."),
                                error_messages={"min_value": _("The amount must be more than 0 đồng."),
                                                "max_value": _("The amount is not plausible; check the figure."),
                                                "invalid": _("The amount must be a whole number of đồng.")})
    reason = forms.CharField(label=_("Reason for the refund"), max_length=300,
                             error_messages={"required": _("Give the reason for the refund."),
                                             "max_length": _("The reason is too long (at most 300 characters).")})


class FindDossierForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=40)


class ReconciliationForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Gateway or method"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None, required=False, empty_label=_("All my agencies"))

    def __init__(self, *args, agencies, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["channel"].choices = [("", _("All"))] + list(channels)
