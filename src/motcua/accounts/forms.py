"""Sign-up, sign-in and profile forms. Messages are gettext; Vietnamese by default."""
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import RefuseOverlongMixin, validate_organisation_name, validate_person_name_characters

from .models import VERIFIED_SOURCES, AccountKind, CitizenAccount
from .validators import (
    normalise_email,
    normalise_identifier,
    normalise_phone,
    normalise_tax_code,
    validate_citizen_id,
)

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
IDENTIFIER_TAKEN = _("This phone number, e-mail address or citizen ID cannot be used for this account. If you "
                     "already have an account, sign in or reset your password (\"Forgot your password?\"); "
                     "otherwise contact the service centre with your ID card.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AccountFieldsMixin:
    """Rules shared by sign-up and profile: formats, uniqueness, what each kind of account needs."""

    account: CitizenAccount | None = None
    # Whether the phone, e-mail or citizen ID typed belongs to another account. Never told per field:
    # one neutral message for the three (IDENTIFIER_TAKEN), so that these pages do not tell who has
    # an account (the views also throttle such refusals per client address; docs/accounts.md).
    identifier_taken: bool = False
    # (account, field) for each account whose data was typed: its holder is told (services.notify_in_use).
    taken_by: list | None = None

    def _taken(self, field: str, **lookup) -> None:
        holder = self._others().filter(**lookup).select_related("user").first()
        if holder is not None:
            self.identifier_taken = True
            self.taken_by = (self.taken_by or []) + [(holder, field)]

    def _others(self):
        others = CitizenAccount.objects.all()
        return others.exclude(pk=self.account.pk) if self.account else others

    def clean_full_name(self):
        name = (self.cleaned_data.get("full_name") or "").strip()
        validate_person_name_characters(name)
        return name

    def clean_business_name(self):
        name = (self.cleaned_data.get("business_name") or "").strip()
        validate_organisation_name(name)
        return name

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if not value:
            return ""
        phone = normalise_phone(value)
        self._taken("phone", phone=phone)
        return phone

    def clean_email(self):
        email = normalise_email(self.cleaned_data.get("email"))
        if email:
            self._taken("email", email=email)
        return email

    def clean_citizen_id(self):
        number = (self.cleaned_data.get("citizen_id") or "").strip()
        if number:
            validate_citizen_id(number)
        return number

    def clean_tax_code(self):
        code = (self.cleaned_data.get("tax_code") or "").strip()
        return normalise_tax_code(code) if code else ""

    def check_account_rules(self, cleaned, kind):
        number, birth_date = cleaned.get("citizen_id"), cleaned.get("birth_date")
        if number and birth_date:
            try:
                validate_citizen_id(number, birth_date)
            except ValidationError as error:
                self.add_error("birth_date", error)
        if kind == AccountKind.PERSON:
            if "citizen_id" in self.fields and not number and "citizen_id" not in self.errors:
                self.add_error("citizen_id", _("A person's account needs the citizen ID."))
            if number:
                # Only a verified holder blocks the ID: a self-declared claim never keeps the real
                # person out (the verified registration detaches it, services.detach_unverified_claims).
                self._taken("citizen_id", kind=AccountKind.PERSON, citizen_id=number,
                            identity_source__in=VERIFIED_SOURCES)
        if kind == AccountKind.BUSINESS:
            if not cleaned.get("business_name"):
                self.add_error("business_name", _("A business account needs the business name."))
            if not cleaned.get("tax_code") and "tax_code" not in self.errors:
                self.add_error("tax_code", _("A business account needs the tax code."))
        if self.identifier_taken:
            self.add_error(None, ValidationError(IDENTIFIER_TAKEN, code="identifier_taken"))
        if "phone" in self.fields and not cleaned.get("phone") and not cleaned.get("email") \
                and "phone" not in self.errors and "email" not in self.errors:
            raise ValidationError(_("Give a phone number or an e-mail address (or both): you sign in with it."),
                                  code="no_identifier")


class SignUpForm(RefuseOverlongMixin, AccountFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Account for"), choices=AccountKind.choices, initial=AccountKind.PERSON,
                             widget=forms.RadioSelect)
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                help_text=_("For a business: the name of its legal representative."))
    citizen_id = forms.CharField(label=_("Citizen ID (12 digits)"), max_length=12, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    birth_date = forms.DateField(label=_("Date of birth"), required=False, input_formats=DATE_INPUT_FORMATS,
                                 widget=DateInput())
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    business_name = forms.CharField(label=_("Business name"), max_length=255, required=False)
    tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html)
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        self.check_account_rules(cleaned, cleaned.get("kind"))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            # The similarity check compares the password with what the person typed.
            candidate = get_user_model()(username=cleaned.get("phone") or cleaned.get("email") or "",
                                         first_name=cleaned.get("full_name") or "", email=cleaned.get("email") or "")
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Phone or e-mail"), max_length=254,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ProfileForm(RefuseOverlongMixin, AccountFieldsMixin, forms.ModelForm):
    birth_date = forms.DateField(label=_("Date of birth"), required=False, input_formats=DATE_INPUT_FORMATS,
                                 widget=DateInput())
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False)

    class Meta:
        model = CitizenAccount
        fields = ["full_name", "citizen_id", "birth_date", "phone", "email", "address", "business_name", "tax_code"]
        labels = {"full_name": _("Full name"), "citizen_id": _("Citizen ID (12 digits)"), "address": _("Address"),
                  "business_name": _("Business name"), "tax_code": _("Tax code")}

    def __init__(self, *args, account: CitizenAccount, **kwargs):
        self.account = account
        super().__init__(*args, instance=account, **kwargs)
        if not account.is_business:
            del self.fields["business_name"], self.fields["tax_code"]
        if account.identity_locked:
            for name in ("full_name", "citizen_id", "birth_date"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Verified (VNeID or at the counter); not editable here.")

    def clean(self):
        cleaned = super().clean()
        self.check_account_rules(cleaned, self.account.kind)
        return cleaned

    def _post_clean(self):
        # Saving goes through services.update_profile, not ModelForm.save: skip assigning to the instance.
        pass


class IdentifierField(forms.CharField):
    """The phone or e-mail of an account, cleaned to its stored form (0xxxxxxxxx, lower case)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone or e-mail"))
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "username"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_identifier(value)[1] if value else value


class PasswordResetRequestForm(forms.Form):
    identifier = IdentifierField(
        help_text=_("The mobile number or the e-mail address you sign in with."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


def clean_one_time_code(value) -> str:
    code = "".join((value or "").split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise ValidationError(_("The code has 6 digits."), code="code_format")
    return code


class ContactCodeForm(forms.Form):
    """The code sent to the account's phone (`field` = phone) or e-mail (email)."""
    field = forms.ChoiceField(choices=[("phone", _("Phone")), ("email", _("E-mail"))], widget=forms.HiddenInput)
    code = forms.CharField(label=_("Code (6 digits)"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def clean_code(self):
        return clean_one_time_code(self.cleaned_data.get("code"))


class PasswordResetConfirmForm(forms.Form):
    identifier = IdentifierField()
    code = forms.CharField(label=_("Code (6 digits)"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=password_validation.password_validators_help_text_html)
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_code(self):
        return clean_one_time_code(self.cleaned_data.get("code"))

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if password1 and password2 and password1 != password2:
            self.add_error("new_password2", _("The two passwords differ."))
        elif password1:
            # Checked against what was typed only, so the answer is the same whether or not the
            # account exists; the service checks again against the account once the code is right.
            identifier = cleaned.get("identifier") or ""
            candidate = get_user_model()(username=identifier, email=identifier if "@" in identifier else "")
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class CounterVerificationForm(forms.Form):
    """A counter officer verifies a citizen's identity: the account named by its phone or e-mail,
    the citizen ID read on the ID card the officer holds, and the officer's confirmation."""

    identifier = IdentifierField(help_text=_("The mobile number or the e-mail address the citizen signs in with."))
    citizen_id = forms.CharField(label=_("Citizen ID on the ID card (12 digits)"), max_length=12)
    card_seen = forms.BooleanField(
        label=_("I have seen the citizen's ID card and the photo matches the person in front of me."))

    def clean_citizen_id(self):
        number = (self.cleaned_data.get("citizen_id") or "").strip()
        validate_citizen_id(number)
        return number

    def clean(self):
        cleaned = super().clean()
        identifier = cleaned.get("identifier")
        if identifier:
            kind = "email" if "@" in identifier else "phone"
            self.account = CitizenAccount.objects.filter(**{kind: identifier}).select_related("user").first()
            if self.account is None:
                self.add_error("identifier", _("No citizen account has this phone number or e-mail address."))
        return cleaned
