"""The versioned forms: law changes forms, so each version carries the date it took effect.

A form version is a renderer function registered with its code ("01" ... "06"), version label
and effective date. `render_form` picks the version in force on the subject's date (the dossier's
receipt date; for the tracking book, the last day of the period), so a dossier received under an
old regulation prints the form of its time.

`FORMS` (a `core.registry.Registry`) maps each form code to its versions, oldest first.
"""
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.registry import Registry


class UnknownForm(LookupError):
    pass


@dataclass(frozen=True)
class FormTemplate:
    code: str
    version: str
    effective_from: date
    title: Any  # a lazy translation
    renderer: Callable[[Any], bytes]
    legal_basis: str = ""


FORM_CODES = {
    "01": _("Receipt and appointment"),
    "02": _("Supplement request"),
    "03": _("Refusal of a dossier"),
    "04": _("Apology and new appointment"),
    "05": _("Process control sheet"),
    "06": _("Dossier tracking book"),
}

FORMS: Registry[tuple[FormTemplate, ...]] = Registry("printout form", unknown=UnknownForm)


def register(code: str, version: str, effective_from: date, title, legal_basis: str = ""):
    """Decorator: register `renderer(data) -> bytes` as version `version` of form `code`
    (replacing a version of the same label)."""

    def decorator(renderer):
        template = FormTemplate(code, version, effective_from, title, renderer, legal_basis)
        versions = [t for t in versions_of(code) if t.version != version]
        versions.append(template)
        FORMS.register(tuple(sorted(versions, key=lambda t: t.effective_from)), code, replace=True)
        return renderer

    return decorator


def unregister(code: str, version: str) -> None:
    versions = tuple(t for t in versions_of(code) if t.version != version)
    if versions:
        FORMS.register(versions, code, replace=True)
    else:
        FORMS.unregister(code)


def versions_of(code: str) -> list[FormTemplate]:
    return list(FORMS.get(code)) if code in FORMS else []


def template_for(code: str, on: date | None = None) -> FormTemplate:
    """The version of form `code` in force on `on` (today if None); UnknownForm for a code
    without any version.

    A date before the first version falls back to the first one: printing an old dossier must
    still work even if the regulation of its time was never entered.
    """
    versions = FORMS.get(code)
    on = on or timezone.localdate()
    in_force = [t for t in versions if t.effective_from <= on]
    return in_force[-1] if in_force else versions[0]


def render_form(code: str, dossier_or_params, on: date | None = None) -> bytes:
    """Render form `code` for a dossier (model instance or `DossierSheet`) or, for form 06, the
    parameters of the book (`TrackingBook`, or a dict with date_from, date_to, agency_ids).

    `on` overrides the date that picks the version; by default it is the subject's own date.
    """
    from .adapters import to_printable

    data = to_printable(code, dossier_or_params)
    template = template_for(code, on or data.form_date)
    return template.renderer(data)
