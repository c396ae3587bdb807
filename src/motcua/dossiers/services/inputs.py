"""Cleaning what a command is given: parties, documents, files, bounded text. Nothing is cut to
fit; bad input raises `DossierActionError("invalid")` with the person's message.

Parties (applicant / owner) are plain dicts:
    {"kind": "person", "name": ..., "id_number": "038090012345", "birth_date": date, "phone": ...,
     "email": ..., "address": ...}   or  {"kind": "business", "name": ..., "id_number": "0101234567"}
Documents handed in are dicts:
    {"required_document": <RequiredDocument or id or None>, "name": ..., "originals": 1,
     "certified_copies": 0, "copies": 0, "digitization": 0..3, "file": <File or None>}
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from motcua.core.validators import check_length, validate_party_name

from .. import hooks
from ..deadlines import IntakeProfile
from ..models import DossierDocument, PartyKind
from motcua.core.identity_numbers import normalise_tax_code, validate_citizen_id
from .core import DossierActionError


_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def _within(value: str, limit: int, label) -> str:
    """`value` if it has at most `limit` characters; refused with the maximum, never cut."""
    try:
        check_length(value, limit, label)
    except ValidationError as exc:
        raise DossierActionError("invalid", exc.messages[0]) from None
    return value


def clean_party(data: dict | None, role: str) -> dict:
    """Validate an applicant or owner dict and return it as `{role}_*` model fields."""
    label = _("applicant") if role == "applicant" else _("owner")
    data = dict(data or {})
    kind = data.get("kind") or PartyKind.PERSON
    if kind not in PartyKind.values:
        raise DossierActionError("invalid", _("Unknown kind of %(who)s: %(kind)s.") % {"who": label, "kind": kind})
    name = (data.get("name") or "").strip()
    if not name:
        raise DossierActionError("invalid", _("The name of the %(who)s is required.") % {"who": label})
    try:
        validate_party_name(name, kind, _("Name of the %(who)s") % {"who": label})
    except ValidationError as exc:
        raise DossierActionError("invalid", exc.messages[0]) from None
    birth_date = data.get("birth_date") or None
    if isinstance(birth_date, str):
        birth_date = parse_date(birth_date)
        if birth_date is None:
            raise DossierActionError("invalid", _("The date of birth is not a date (YYYY-MM-DD)."))
    id_number = (data.get("id_number") or "").strip()
    try:
        if kind == PartyKind.PERSON:
            validate_citizen_id(id_number, birth_date)
        else:
            id_number = normalise_tax_code(id_number)
    except ValidationError as exc:
        raise DossierActionError("invalid", f"{label.capitalize()}: {exc.messages[0]}") from None
    phone = re.sub(r"[\s.\-]", "", data.get("phone") or "")
    if phone and not _PHONE.match(phone):
        raise DossierActionError("invalid", _("The phone number of the %(who)s is not valid.") % {"who": label})
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DossierActionError(
                "invalid", _("The e-mail address of the %(who)s is not valid.") % {"who": label}
            ) from None
    return {
        f"{role}_kind": kind,
        f"{role}_name": name,
        f"{role}_id_number": id_number,
        f"{role}_birth_date": birth_date if kind == PartyKind.PERSON else None,
        f"{role}_phone": phone,
        f"{role}_email": email,
        f"{role}_address": _within((data.get("address") or "").strip(), 500,
                                   _("Address of the %(who)s") % {"who": label}),
    }


def _checked_file(upload):
    """A file given to a command: checked by the one upload check (type, size, virus scan) unless
    it already was, under its short safe name; refused with the person's message otherwise."""
    try:
        return hooks.check_file(upload)
    except ValidationError as exc:
        raise DossierActionError(exc.error_list[0].code or "invalid", exc.messages[0]) from None


def _document_file(file):
    """A document's file: a stored name (re-use; copied under a short name when it does not fit the
    field) or a new file (checked)."""
    if not file:
        return ""
    if isinstance(file, str):
        return hooks.fit_stored_name(file, DossierDocument._meta.get_field("file").max_length)
    return _checked_file(file)


def _clean_documents(profile: IntakeProfile, documents: Iterable[dict], *, check_required: bool) -> list[dict]:
    by_id = {d.id: d for d in profile.documents}
    cleaned, handed_in = [], set()
    for item in documents or ():
        item = dict(item)
        required = item.get("required_document")
        required_id = getattr(required, "pk", required)
        if required_id not in (None, ""):
            try:
                required_id = int(required_id)
            except (TypeError, ValueError):
                required_id = -1
            if required_id not in by_id:
                raise DossierActionError(
                    "invalid", _("Document %(id)s is not in this procedure's list.") % {"id": required_id}
                )
            plan = by_id[required_id]
        else:
            required_id, plan = None, None
        counts = {k: int(item.get(k) or 0) for k in ("originals", "certified_copies", "copies")}
        digitization = int(item.get("digitization") or 0)
        if any(v < 0 for v in counts.values()) or digitization not in (0, 1, 2, 3):
            raise DossierActionError("invalid", _("Document counts must be positive; digitisation is 0 to 3."))
        name = (item.get("name") or (plan.name if plan else "")).strip()
        if not name:
            raise DossierActionError("invalid", _("Each document needs a name."))
        if plan is not None and (sum(counts.values()) > 0 or digitization > 0 or item.get("file")):
            handed_in.add(required_id)
        cleaned.append(
            {"required_document_id": required_id, "name": _within(name, 500, _("Document name")),
             "digitization": digitization,
             "file": _document_file(item.get("file")), **counts}
        )
    if check_required:
        missing = [d.name for d in profile.documents if d.is_required and d.id not in handed_in]
        if missing:
            raise DossierActionError(
                "invalid", _("Required documents are missing: %(names)s.") % {"names": "; ".join(missing)}
            )
    return cleaned


def all_digitized(documents: Iterable[dict]) -> bool:
    """A dossier counts as digitised when it has documents and every one is digitised or re-used
    (digitisation status 1-3), the measure of the national digitisation indicator."""
    statuses = [int(d.get("digitization") or 0) for d in documents]
    return bool(statuses) and all(s > 0 for s in statuses)
