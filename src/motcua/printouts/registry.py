"""The versioned forms: law changes forms, so each version carries the date it took effect.

A form version is a renderer function registered with its code ("01" ... "06"), version label
and effective date. `render_form` picks the version in force on the subject's date (the dossier's
receipt date; for the tracking book, the last day of the period), so a dossier received under an
old regulation prints the form of its time.
"""
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

_registry: dict[str, list[FormTemplate]] = {}


def register(code: str, version: str, effective_from: date, title, legal_basis: str = ""):
    """Decorator: register `renderer(data) -> bytes` as version `version` of form `code`."""

    def decorator(renderer):
        template = FormTemplate(code, version, effective_from, title, renderer, legal_basis)
        versions = [t for t in _registry.get(code, []) if t.version != version]
        versions.append(template)
        versions.sort(key=lambda t: t.effective_from)
        _registry[code] = versions
        return renderer

    return decorator


def unregister(code: str, version: str) -> None:
    _registry[code] = [t for t in _registry.get(code, []) if t.version != version]


def versions_of(code: str) -> list[FormTemplate]:
    return list(_registry.get(code, []))


def template_for(code: str, on: date | None = None) -> FormTemplate:
    """The version of form `code` in force on `on` (today if None).

    A date before the first version falls back to the first one: printing an old dossier must
    still work even if the regulation of its time was never entered.
    """
    versions = _registry.get(code)
    if not versions:
        raise UnknownForm(code)
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
