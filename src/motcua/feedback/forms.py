"""Forms: shapes only; the rules (status 10, window, sanitising, throttle) live in the services."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import (
    PERSON_NAME_MAX_LENGTH,
    RefuseOverlongMixin,
    validate_person_name_characters,
)
from motcua.organization.models import Agency

from .models import FeedbackChannel, Level, Reason, SubjectKind


class RatingForm(RefuseOverlongMixin, forms.Form):
    level = forms.ChoiceField(label=_("How satisfied are you?"), choices=Level.choices, widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons (optional)"), choices=Reason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PortalRatingForm(RatingForm):
    """Rating from the portal: the dossier code and the applicant's phone or citizen ID prove it is theirs."""

    code = forms.CharField(label=_("Dossier code"), max_length=40)
    secret = forms.CharField(label=_("Applicant's phone or citizen ID"), max_length=20)

    field_order = ["code", "secret", "level", "reasons", "comment"]


class FeedbackForm(RefuseOverlongMixin, forms.Form):
    subject_kind = forms.ChoiceField(label=_("The feedback is about"), choices=SubjectKind.choices)
    dossier_code = forms.CharField(label=_("Dossier code (if about a dossier)"), max_length=40, required=False)
    procedure_code = forms.CharField(label=_("Procedure code (if about a procedure)"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    content = forms.CharField(label=_("Content"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": _("Write the content of the feedback.")})
    is_anonymous = forms.BooleanField(label=_("Send anonymously (no answer can be sent to you)"), required=False)
    sender_name = forms.CharField(label=_("Your name"), max_length=PERSON_NAME_MAX_LENGTH, required=False,
                                  validators=[validate_person_name_characters])
    sender_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    sender_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    sender_address = forms.CharField(label=_("Address"), max_length=300, required=False)


class OfficerFeedbackForm(FeedbackForm):
    channel = forms.ChoiceField(
        label=_("Came by"), choices=[c for c in FeedbackChannel.choices if c[0] != FeedbackChannel.PORTAL]
    )
    received_at = forms.DateTimeField(label=_("Received at"), required=False,
                                      help_text=_("Leave empty for now; e.g. 02/03/2026 08:00"),
                                      input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    agency = forms.ModelChoiceField(label=_("Responsible agency (optional)"), queryset=Agency.objects.none(),
                                    required=False)

    field_order = ["channel", "received_at", "subject_kind", "dossier_code", "procedure_code", "agency"]

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class RouteForm(RefuseOverlongMixin, forms.Form):
    agency = forms.ModelChoiceField(label=_("Responsible agency"), queryset=Agency.objects.all())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReasonForm(RefuseOverlongMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class InfoRequestForm(RefuseOverlongMixin, forms.Form):
    request = forms.CharField(label=_("Information needed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(RefuseOverlongMixin, forms.Form):
    text = forms.CharField(label=_("Written answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))


class PublishForm(RefuseOverlongMixin, forms.Form):
    question = forms.CharField(label=_("Public question"), max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    answer_text = forms.CharField(label=_("Public answer"), max_length=10000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))


class ProvideInfoForm(RefuseOverlongMixin, forms.Form):
    text = forms.CharField(label=_("Information asked for"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class AnswerRatingForm(RefuseOverlongMixin, forms.Form):
    level = forms.ChoiceField(label=_("How satisfied are you with the answer?"), choices=Level.choices,
                              widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(RefuseOverlongMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period; the current month to today by default."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to.replace(day=1)
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return date_from, date_to
