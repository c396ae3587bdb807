"""Catalogue sync from the national procedure database (CSDL quốc gia về TTHC) into DRAFT versions.

A source (an adapter of `motcua.integrations.procedures`, or anything with the same two methods)
lists the procedures published for the province (`list_procedures(unit)`) and gives each one's
record (`procedure(national_code)`) as the national database spells it: MATTHC, TENTTHC,
CACHTHUCTHUCHIEN (KENH, THOIGIAN, PHILEPHI), THANHPHANHOSO, KETQUATHUCHIEN, CANCUPHAPLY and the
publication decisions QUYETDINHCONGBO. `sync(source)` reads each record into catalogue content:

- a procedure the catalogue lacks becomes a new procedure whose first version is a draft;
- a known one (matched by its national code) gets a draft copy of its version in force with the
  national content merged in: documents and fees matched by name keep what only the province
  knows (exemptions, re-use from the data store, the internal process, cases);
- content equal to the version in force makes nothing (`unchanged`); the same record again while
  its draft waits makes nothing either (`waiting`): a re-run is idempotent;
- free text where a figure belongs ("Không" as a fee, "Ba mươi ngày" as a time limit) is a warning
  on the item, never a crash; a record without a name fails alone.

Nothing is published here: an administrator reads the diff (`diff_versions`) and the warnings, then
`publish_item` (with the record's latest publication decision) or `discard_item`. Every run and
item is kept (`CatalogueSync`, `CatalogueSyncItem`): who started it, who published what, when.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.organization.models import AdministrativeLevel, Agency

from . import services
from .models import (
    CatalogueSync,
    CatalogueSyncItem,
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    PublicationDecision,
    RequiredDocument,
    TimeUnit,
)

Outcome = CatalogueSyncItem.Outcome
Review = CatalogueSyncItem.Review
Status = ProcedureVersion.Status


class SourceUnavailable(Exception):
    """The national database did not answer usefully; adapters raise subclasses of this."""


# --- warnings: stored as code + parameters, shown in the reader's language ----------------------

WARNINGS = {
    "fee_text": gettext_lazy('Fee "%(name)s" is given as "%(text)s", not an amount: no fee line was made; check it.'),
    "time_text": gettext_lazy('The time limit is given as "%(text)s", not a number: %(kept)s was kept; check it.'),
    "unit_unknown": gettext_lazy('Unknown time unit "%(text)s": working days assumed; check it.'),
    "count_text": gettext_lazy('Document "%(name)s": the number of copies "%(text)s" is not a number: one original '
                               'assumed; check it.'),
    "agency_unknown": gettext_lazy("Agency %(code)s %(name)s is not in the organisation: left out."),
    "no_agency": gettext_lazy("No known competent agency: choose it in the draft before publishing."),
    "level_unknown": gettext_lazy('Unknown level "%(text)s": left out.'),
    "field_created": gettext_lazy('New field "%(name)s" created.'),
    "case_created": gettext_lazy('New case "%(name)s" created from the record.'),
    "case_dropped": gettext_lazy('Case "%(name)s" is no longer in the national record; it was kept: check it.'),
    "no_steps": gettext_lazy("New procedure without an internal process: add its steps before publishing."),
    "hand_draft": gettext_lazy("A draft made by hand already exists: publish or delete it, then sync again."),
    "hand_edited": gettext_lazy("The waiting sync draft was completed by hand (internal process): it was not "
                                "replaced; publish or discard it, then sync again."),
    "replaced_draft": gettext_lazy("The earlier sync draft, not yet reviewed, was replaced by this one."),
    "missing_name": gettext_lazy("The record has no procedure name: not imported."),
    "not_found": gettext_lazy("Listed, but the national database has no details for it."),
    "bad_record": gettext_lazy("The record could not be read: %(error)s"),
    "truncated": gettext_lazy("%(what)s was longer than the catalogue keeps and was shortened; check it."),
    "race": gettext_lazy("Another sync handled this procedure at the same moment: nothing done."),
}


def warning(code: str, **params) -> dict:
    return {"code": code, "params": {k: str(v) for k, v in params.items()}}


def warning_text(item: dict) -> str:
    template = WARNINGS.get(item.get("code"), gettext_lazy("%(code)s"))
    try:
        return str(template) % {"code": item.get("code"), **(item.get("params") or {})}
    except (KeyError, TypeError, ValueError):
        return str(item.get("code"))


# --- reading a record ------------------------------------------------------------------------

KENH_COUNTER, KENH_ONLINE, KENH_POST = "truc tiep", "truc tuyen", "buu chinh"
AMOUNT = re.compile(r"(\d{1,3}(?:[.,\s]\d{3})+|\d+)\s*(?:đồng|đ|vnđ|vnd|dong)?\.?\s*(?:/.*)?", re.IGNORECASE)
FIGURE = re.compile(r"\d+(?:[.,]\d+)?")


def _text(value) -> str:
    return str(value).strip() if value not in (None,) else ""


def _list(value) -> list:
    return value if isinstance(value, list) else []


def parse_amount(text) -> int | None:
    """ "50.000 đồng/bản" -> 50000; "" -> 0; free text ("Không", "Theo quy định") -> None."""
    text = _text(text)
    if not text:
        return 0
    match = AMOUNT.fullmatch(text)
    if not match:
        return None
    return int(re.sub(r"[.,\s]", "", match.group(1)))


def parse_figure(text) -> Decimal | None:
    text = _text(text)
    if not FIGURE.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern rules it out
        return None


def parse_unit(text) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    if "gio" in folded:
        return TimeUnit.WORKING_HOURS
    if "lam viec" in folded:
        return TimeUnit.WORKING_DAYS
    if folded in ("ngay", "ngay lich", "ngay (ke ca ngay nghi)"):
        return TimeUnit.CALENDAR_DAYS
    return None


def parse_date(text) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(_text(text), pattern).date()
        except ValueError:
            continue
    return None


def _fit(value: str, limit: int, what: str, warnings: list) -> str:
    if len(value) > limit:
        warnings.append(warning("truncated", what=what))
        return value[: limit - 1] + "…"
    return value


@dataclasses.dataclass
class Content:
    """What one national record says, in catalogue terms; None means "the record does not say"."""

    national_code: str
    name: str
    field: Field | None = None
    levels: list = dataclasses.field(default_factory=list)
    agencies: list = dataclasses.field(default_factory=list)
    scalars: dict = dataclasses.field(default_factory=dict)
    documents: list = dataclasses.field(default_factory=list)
    fees: list = dataclasses.field(default_factory=list)
    case_names: list = dataclasses.field(default_factory=list)
    decisions: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    new_field: tuple | None = None  # (code, name) of a field to create when the draft is made


def _channel(channels: list, kind: str) -> dict | None:
    return next((c for c in channels if isinstance(c, dict) and kind in fold(c.get("KENH"))), None)


def _time_of(channel: dict | None, warnings: list, kept: str, warn: bool = True):
    """(amount, unit, same_day) of a channel's first time entry; amount None when not a figure."""
    if channel is None:
        return None, None, False
    times = [t for t in _list(channel.get("THOIGIAN")) if isinstance(t, dict)]
    if not times:
        return None, None, False
    time = times[0]
    raw, unit_text = _text(time.get("THOIGIANGIAIQUYET")), _text(time.get("DONVITINH"))
    same_day = "trong ngay" in fold(f"{raw} {unit_text} {time.get('MOTA') or ''}")
    amount = parse_figure(raw)
    if amount is None and warn:
        warnings.append(warning("time_text", text=f"{raw} {unit_text}".strip(), kept=kept))
    unit = parse_unit(unit_text)
    if amount is not None and unit is None:
        if unit_text and warn:
            warnings.append(warning("unit_unknown", text=unit_text))
        unit = TimeUnit.WORKING_DAYS
    return amount, unit, same_day


def read_record(record: dict, current: ProcedureVersion | None = None) -> Content:
    """The catalogue content of one national record. Raises ValidationError (missing name)."""
    warnings: list = []
    name = _text(record.get("TENTTHC"))
    if not name:
        raise ValidationError(WARNINGS["missing_name"], code="missing_name")
    content = Content(national_code=_text(record.get("MATTHC")), name=_fit(name, 500, _("The name"), warnings),
                      warnings=warnings)

    field_code, field_name = _text(record.get("MALINHVUC")), _text(record.get("TENLINHVUC"))
    content.field = Field.objects.filter(code=field_code).first() if field_code else None
    if content.field is None and field_name:
        content.field = next((f for f in Field.objects.all() if fold(f.name) == fold(field_name)), None)
    if content.field is None:
        if current is not None:
            content.field = current.field
        else:
            code = slugify(field_code or fold(field_name))[:40] or "khac"
            content.new_field = (code, field_name or field_code or _("Other"))
            warnings.append(warning("field_created", name=content.new_field[1]))

    levels = {fold(level.name): level for level in AdministrativeLevel.objects.all()}
    for text in _list(record.get("CAPTHUCHIEN")):
        level = levels.get(fold(text))
        if level is None:
            warnings.append(warning("level_unknown", text=text))
        elif level not in content.levels:
            content.levels.append(level)

    wanted = [a for a in _list(record.get("COQUANTHUCHIEN")) if isinstance(a, dict)]
    known = {a.code: a for a in Agency.objects.filter(code__in=[_text(a.get("MADONVI")) for a in wanted])}
    for item in wanted:
        agency = known.get(_text(item.get("MADONVI")))
        if agency is None:
            warnings.append(warning("agency_unknown", code=_text(item.get("MADONVI")), name=_text(item.get("TENDONVI"))))
        elif agency not in content.agencies:
            content.agencies.append(agency)
    if not content.agencies and current is None:
        warnings.append(warning("no_agency"))

    scalars = content.scalars
    who = fold(record.get("DOITUONGTHUCHIEN"))
    if who:
        kinds = [k for k, words in (("citizen", ("cong dan", "ca nhan", "nguoi")),
                                    ("business", ("doanh nghiep", "to chuc"))) if any(w in who for w in words)]
        if kinds:
            scalars["applicant_kinds"] = ",".join(kinds)
    for key, target in (("TRINHTUTHUCHIEN", "description"), ("YEUCAUDIEUKIEN", "requirements")):
        if _text(record.get(key)):
            scalars[target] = _text(record.get(key))
    results = [_text(r.get("TENKETQUA")) for r in _list(record.get("KETQUATHUCHIEN")) if isinstance(r, dict)]
    if any(results):
        scalars["result_description"] = _fit("; ".join(r for r in results if r), 500, _("The result"), warnings)
    basis = [" ".join(filter(None, (_text(b.get("SOVANBAN")), _text(b.get("TENVANBAN")))))
             for b in _list(record.get("CANCUPHAPLY")) if isinstance(b, dict)]
    if any(basis):
        scalars["legal_basis"] = "\n".join(b for b in basis if b)
    level = fold(record.get("MUCDO"))
    if level:
        scalars["online_level"] = (ProcedureVersion.OnlineLevel.FULL if level in ("toan trinh", "4")
                                   else ProcedureVersion.OnlineLevel.PARTIAL if level in ("mot phan", "3")
                                   else ProcedureVersion.OnlineLevel.NONE)

    channels = [c for c in _list(record.get("CACHTHUCTHUCHIEN")) if isinstance(c, dict)]
    if channels:
        counter, online, post = (_channel(channels, k) for k in (KENH_COUNTER, KENH_ONLINE, KENH_POST))
        scalars.update(accepts_counter=counter is not None, accepts_online=online is not None,
                       accepts_post=post is not None)
        main = counter or channels[0]
        kept = (f"{services._plain(current.time_limit)} {current.get_time_limit_unit_display()}" if current
                else _("0 (to be set)"))
        amount, unit, same_day = _time_of(main, warnings, kept)
        if amount is not None:
            scalars.update(time_limit=amount, time_limit_unit=unit, is_same_day=same_day)
        elif current is None:
            scalars.update(time_limit=Decimal("0"), time_limit_unit=TimeUnit.WORKING_DAYS, is_same_day=same_day)
        online_amount, online_unit, _same = _time_of(online, warnings, kept, warn=False)
        limit = scalars.get("time_limit", current.time_limit if current else None)
        limit_unit = scalars.get("time_limit_unit", current.time_limit_unit if current else None)
        if online is not None and amount is not None:
            shorter = online_amount is not None and online_unit == limit_unit and online_amount < limit
            scalars["online_time_limit"] = online_amount if shorter else None
        if scalars.get("online_level") not in (None, ProcedureVersion.OnlineLevel.NONE):
            scalars["accepts_online"] = True
        content.fees = _read_fees(main, warnings)

    for item in _list(record.get("THANHPHANHOSO")):
        if not isinstance(item, dict) or not _text(item.get("TENGIAYTO")):
            continue
        doc_name = _fit(_text(item.get("TENGIAYTO")), 500, _("A document name"), warnings)
        originals, copies = parse_figure(item.get("SOBANCHINH") or "0"), parse_figure(item.get("SOBANSAO") or "0")
        if originals is None or copies is None:
            warnings.append(warning("count_text", name=doc_name,
                                    text=f"{_text(item.get('SOBANCHINH'))} / {_text(item.get('SOBANSAO'))}"))
            originals, copies = Decimal(1), Decimal(0)
        if originals + copies == 0:
            originals = Decimal(1)
        content.documents.append({"name": doc_name, "form_name": _fit(_text(item.get("TENMAUDON")), 200,
                                                                       _("A form name"), warnings),
                                  "originals": int(originals), "copies": int(copies),
                                  "case": _text(item.get("TRUONGHOP"))})
    for row in content.documents + content.fees:
        if row["case"] and row["case"] not in content.case_names:
            content.case_names.append(row["case"])
    content.decisions = [d for d in _list(record.get("QUYETDINHCONGBO")) if isinstance(d, dict) and _text(d.get("SOQD"))]
    return content


def _read_fees(channel: dict, warnings: list) -> list:
    fees = []
    for item in _list(channel.get("PHILEPHI")):
        if not isinstance(item, dict):
            continue
        name = _text(item.get("TENPHI")) or _text(item.get("LOAIPHI")) or _("Fee")
        amount = parse_amount(item.get("SOTIEN"))
        if amount is None:
            warnings.append(warning("fee_text", name=name, text=_text(item.get("SOTIEN"))))
            continue
        if amount == 0:
            continue
        kind = Fee.Kind.FEE if fold(item.get("LOAIPHI")) == "phi" else Fee.Kind.CHARGE
        fees.append({"kind": kind, "name": name[:300], "amount": amount, "description": _text(item.get("MOTA"))[:500],
                     "case": _text(item.get("TRUONGHOP"))})
    return fees


# --- writing a draft -------------------------------------------------------------------------


def _case_code(name: str, taken: set) -> str:
    base = slugify(fold(name))[:36] or "truong-hop"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def _field_of(content: Content) -> Field:
    if content.field is None:
        code, name = content.new_field
        content.field, _created = Field.objects.get_or_create(code=code, defaults={"name": name[:200]})
    return content.field


def create_new(content: Content, unit: str) -> ProcedureVersion:
    owner = content.agencies[0].code if content.agencies else unit
    code = f"{content.national_code}.{owner}"
    taken: set = set()
    cases = [{"code": _case_code(name, taken), "name": name[:500]} for name in content.case_names]
    by_name = {c["name"]: c["code"] for c in cases}
    documents = [{"name": d["name"], "form_name": d["form_name"], "originals": d["originals"], "copies": d["copies"],
                  "case": by_name.get(d["case"])} for d in content.documents]
    fees = [{**f, "case": by_name.get(f["case"])} for f in content.fees]
    content.warnings.append(warning("no_steps"))
    scalars = {k: v for k, v in content.scalars.items()}
    return services.create_procedure(
        code, content.national_code, field=_field_of(content), name=content.name, levels=content.levels,
        competent_agencies=content.agencies, receiving_agencies=content.agencies, cases=cases,
        documents=documents, fees=fees, **scalars)


def update_existing(procedure: Procedure, content: Content) -> ProcedureVersion:
    """A draft copy of the version in force with the national content merged in."""
    draft = services.new_version(procedure)
    changes = {"name": content.name, "field": _field_of(content), **content.scalars}
    if content.levels:
        changes["levels"] = content.levels
    if content.agencies:
        changes["competent_agencies"] = content.agencies
    services.update_draft(draft, **changes)

    cases = {fold(c.name): c for c in draft.cases.all()}
    taken = {c.code for c in cases.values()}
    new_cases = []
    for name in content.case_names:
        if fold(name) not in cases:
            new_cases.append({"code": _case_code(name, taken), "name": name[:500]})
            content.warnings.append(warning("case_created", name=name))
    if new_cases:
        services.add_content(draft, cases=new_cases)
        cases = {fold(c.name): c for c in draft.cases.all()}
    named = {fold(n) for n in content.case_names}
    for key, case in cases.items():
        used = draft.documents.filter(case=case).exists() or draft.fees.filter(case=case).exists()
        if used and key not in named and content.case_names:
            content.warnings.append(warning("case_dropped", name=case.name))

    # Documents: matched by name; what only the province knows (re-use, required, case) stays.
    existing = {fold(d.name): d for d in draft.documents.all()}
    seen = set()
    for order, row in enumerate(content.documents, start=1):
        key = fold(row["name"])
        seen.add(key)
        document = existing.get(key)
        case = cases.get(fold(row["case"])) if row["case"] else None
        if document is None:
            document = RequiredDocument(version=draft, name=row["name"], case=case, certified_copies=0)
            document.originals, document.copies = row["originals"], row["copies"]
        elif (document.originals, document.certified_copies + document.copies) != (row["originals"], row["copies"]):
            # The national record does not tell certified from plain copies: keep the split when the total agrees.
            document.originals, document.certified_copies, document.copies = row["originals"], 0, row["copies"]
        document.form_name = row["form_name"]
        document.order = order
        if row["case"]:
            document.case = case
        document.full_clean(exclude=["version", "case"])
        document.save()
    for key, document in existing.items():
        if key not in seen:
            document.delete()

    # Fees: matched by name (and case); exemptions of a kept fee stay.
    existing_fees = {(fold(f.name), f.case_id): f for f in draft.fees.all()}
    seen = set()
    for row in content.fees:
        case = cases.get(fold(row["case"])) if row["case"] else None
        key = (fold(row["name"]), case.pk if case else None)
        fee = existing_fees.get(key) or next(
            (f for (n, _c), f in existing_fees.items() if n == key[0] and (n, _c) not in seen), None)
        if fee is None:
            fee = Fee(version=draft, case=case)
        else:
            key = (fold(fee.name), fee.case_id)
        seen.add(key)
        fee.kind, fee.name, fee.amount, fee.description = row["kind"], row["name"], row["amount"], row["description"]
        fee.full_clean(exclude=["version", "case"])
        fee.save()
    for key, fee in existing_fees.items():
        if key not in seen:
            fee.delete()
    return draft


# --- the diff --------------------------------------------------------------------------------


APPLICANT_KINDS = {"citizen": gettext_lazy("citizens"), "business": gettext_lazy("businesses and organisations")}


@dataclasses.dataclass(frozen=True)
class Change:
    section: str
    label: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        return "added" if not self.before else "removed" if not self.after else "changed"


def _snapshot(version: ProcedureVersion | None) -> dict[str, dict[str, str]]:
    from .selectors import time_limit_text

    if version is None:
        return {}
    yes, no = _("yes"), _("no")
    general = {
        _("Name"): version.name,
        _("Field"): version.field.name,
        _("Levels"): ", ".join(sorted(level.name for level in version.levels.all())),
        _("Competent agencies"): ", ".join(sorted(a.name for a in version.competent_agencies.all())),
        _("Who may apply"): ", ".join(str(APPLICANT_KINDS.get(k.strip(), k.strip()))
                                      for k in version.applicant_kinds.split(",") if k.strip()),
        _("Legal time limit"): time_limit_text(version.time_limit, version.time_limit_unit),
        _("Time limit for online dossiers"): (time_limit_text(version.online_time_limit, version.time_limit_unit)
                                              if version.online_time_limit is not None else ""),
        _("Resolved the same day"): yes if version.is_same_day else no,
        _("Received at the counter"): yes if version.accepts_counter else no,
        _("Received online"): yes if version.accepts_online else no,
        _("Received by post"): yes if version.accepts_post else no,
        _("Online level"): str(version.get_online_level_display()),
        _("Steps to follow"): version.description,
        _("Requirements and conditions"): version.requirements,
        _("Result"): version.result_description,
        _("Legal basis"): version.legal_basis,
    }
    documents = {}
    for d in version.documents.select_related("case"):
        parts = [_("%(n)s original(s)") % {"n": d.originals}, _("%(n)s certified cop(ies)") % {"n": d.certified_copies},
                 _("%(n)s plain cop(ies)") % {"n": d.copies}]
        if d.form_name:
            parts.append(_("form: %(name)s") % {"name": d.form_name})
        if d.case_id:
            parts.append(_("case: %(name)s") % {"name": d.case.name})
        documents[d.name] = "; ".join(parts)
    fees = {}
    for f in version.fees.select_related("case"):
        label = f"{f.name} ({f.case.name})" if f.case_id else f.name
        fees[label] = f"{f.amount:,} đ, {f.get_kind_display()}".replace(",", ".", f"{f.amount:,}".count(","))
    cases = {c.name: c.name for c in version.cases.all()}
    return {_("General"): general, _("Cases"): cases, _("Documents"): documents, _("Fees and charges"): fees}


def diff_versions(before: ProcedureVersion | None, after: ProcedureVersion) -> list[Change]:
    """What changes from `before` (the version in force; None for a new procedure) to `after`."""
    old, new = _snapshot(before), _snapshot(after)
    changes = []
    for section, values in new.items():
        previous = old.get(section, {})
        for label in list(previous) + [k for k in values if k not in previous]:
            was, now = previous.get(label, ""), values.get(label, "")
            if was != now and (was or now):
                changes.append(Change(str(section), str(label), was, now))
    return changes


# --- the run ---------------------------------------------------------------------------------


class _Unchanged(Exception):
    """Raised inside the savepoint of a draft equal to the version in force: undo it."""


def record_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _procedure_for(national_code: str) -> Procedure | None:
    matches = list(Procedure.objects.filter(national_code=national_code).order_by("code")[:2])
    return matches[0] if len(matches) == 1 else (matches[0] if matches else None)


def _process(run: CatalogueSync, national_code: str, listed_name: str, record: dict | None) -> CatalogueSyncItem:
    item = CatalogueSyncItem(sync=run, national_code=national_code[:20], name=listed_name[:500])
    if record is None:
        item.outcome, item.warnings = Outcome.FAILED, [warning("not_found")]
        item.save()
        return item
    item.source_hash = record_hash(record)
    try:
        with transaction.atomic():
            _write(item, record, run.unit)
    except ValidationError as error:
        code = getattr(error, "code", "")
        message = "; ".join(error.messages)
        item.outcome = Outcome.FAILED
        item.warnings = [warning("missing_name") if code == "missing_name" else warning("bad_record", error=message)]
        item.draft = None
    except IntegrityError:
        item.outcome, item.warnings, item.draft = Outcome.SKIPPED, [warning("race")], None
    item.save()
    return item


def _write(item: CatalogueSyncItem, record: dict, unit: str) -> None:
    procedure = _procedure_for(item.national_code)
    if procedure is not None:
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        item.procedure = procedure
    pending = (CatalogueSyncItem.objects.select_for_update()
               .filter(national_code=item.national_code, review=Review.PENDING).order_by("-pk").first())
    if pending is not None and (pending.draft is None or pending.draft.status != Status.DRAFT):
        pending.review = Review.DISCARDED  # its draft went another way (deleted or published by hand)
        pending.save(update_fields=["review"])
        pending = None
    if pending is not None and pending.source_hash == item.source_hash:
        item.outcome, item.draft, item.warnings = Outcome.WAITING, pending.draft, []
        item.name = pending.draft.name
        return
    current = services.current_or_latest(procedure) if procedure is not None else None
    content = read_record(record, current)
    item.name = content.name
    item.decisions = content.decisions
    if pending is not None and _steps_edited(pending.draft, current):
        # An administrator started completing the waiting draft (its internal process): keep it.
        item.outcome, item.warnings, item.draft = Outcome.SKIPPED, [warning("hand_edited")], pending.draft
        return
    if pending is not None:
        draft = pending.draft
        pending.draft, pending.review = None, Review.DISCARDED
        pending.save(update_fields=["draft", "review"])
        discard_version(draft)
        content.warnings.append(warning("replaced_draft"))
        if procedure is not None and not Procedure.objects.filter(pk=procedure.pk).exists():
            procedure = current = None
    elif procedure is not None and procedure.versions.filter(status=Status.DRAFT).exists():
        item.outcome, item.warnings = Outcome.SKIPPED, [warning("hand_draft")]
        return
    if procedure is None:
        item.draft = create_new(content, unit)
        item.procedure = item.draft.procedure
        item.outcome = Outcome.NEW
    else:
        try:
            with transaction.atomic():
                draft = update_existing(procedure, content)
                if current is not None and not diff_versions(current, draft):
                    raise _Unchanged
        except _Unchanged:
            item.outcome, item.warnings = Outcome.UNCHANGED, content.warnings
            return
        item.draft, item.outcome = draft, Outcome.CHANGED
    item.review = Review.PENDING
    item.warnings = content.warnings


def _steps_edited(draft: ProcedureVersion, current: ProcedureVersion | None) -> bool:
    """The sync never writes steps: a sync draft whose steps differ from the version in force's
    (or that has any, for a new procedure) was edited by hand."""
    ours = list(draft.steps.values_list("order", "name", "role", "budget_hours"))
    theirs = list(current.steps.values_list("order", "name", "role", "budget_hours")) if current else []
    return ours != theirs


def sync(source, unit: str | None = None, user=None, codes: list[str] | None = None) -> CatalogueSync:
    """Fetch the procedures `source` lists for `unit` into drafts; return the run with its items.

    A source that fails while listing ends the run with its error; failing in the middle ends it
    too (what was read stays, a re-run continues idempotently). Each procedure is written in its
    own transaction, so one bad record never undoes the others."""
    unit = unit or getattr(source, "unit", "") or ""
    run = CatalogueSync.objects.create(source=getattr(source, "name", "") or type(source).__name__, unit=unit,
                                       started_by=user if getattr(user, "pk", None) else None)
    try:
        listing = source.list_procedures(unit)
        wanted = set(codes or [])
        listing = [entry for entry in listing if not wanted or _text(entry.get("MATTHC")) in wanted]
        run.listed = len(listing)
        for entry in listing:
            code = _text(entry.get("MATTHC"))
            if not code:
                continue
            _process(run, code, _text(entry.get("TENTTHC")), source.procedure(code))
    except SourceUnavailable as error:
        run.error = str(error)[:2000] or type(error).__name__
    run.finished_at = timezone.now()
    run.save(update_fields=["listed", "error", "finished_at"])
    return run


def counts(run: CatalogueSync) -> dict[str, int]:
    found = {outcome: 0 for outcome in Outcome.values}
    for outcome in run.items.values_list("outcome", flat=True):
        found[outcome] += 1
    found["warnings"] = sum(1 for w in run.items.values_list("warnings", flat=True) if w)
    return found


# --- review ----------------------------------------------------------------------------------


def discard_version(draft: ProcedureVersion | None) -> None:
    """Delete a sync draft; a procedure made by the sync and never published goes with it."""
    if draft is None or draft.status != Status.DRAFT:
        return
    procedure = draft.procedure
    draft.delete()
    if not procedure.versions.exists() and not procedure.dossiers.exists():
        procedure.delete()


def latest_decision(item: CatalogueSyncItem) -> dict | None:
    dated = [(parse_date(d.get("NGAYHIEULUC")) or datetime.date.min, d) for d in item.decisions]
    dated = [pair for pair in dated if parse_date(pair[1].get("NGAYBANHANH"))]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


def default_valid_from(item: CatalogueSyncItem) -> datetime.date:
    """The latest decision's effective date, unless the version in force began on or after it:
    then today, or the day after the version in force began."""
    today = timezone.localdate()
    decision = latest_decision(item)
    day = parse_date(decision.get("NGAYHIEULUC")) if decision else None
    current = item.procedure.current_version if item.procedure_id else None
    floor = current.valid_from if current is not None and current.valid_from else None
    for candidate in (day, today):
        if candidate and (floor is None or candidate > floor):
            return candidate
    return floor + datetime.timedelta(days=1)


class ReviewRefused(DomainError):
    pass


def _locked_pending(item_id: int) -> CatalogueSyncItem:
    item = CatalogueSyncItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ReviewRefused("not_found", _("This sync draft does not exist."))
    if item.review != Review.PENDING or item.draft_id is None or item.draft.status != Status.DRAFT:
        raise ReviewRefused("not_allowed", _("This sync draft is no longer waiting for review."))
    return item


@transaction.atomic
def publish_item(item_id: int, user, valid_from: datetime.date | None = None) -> ProcedureVersion:
    """Publish a reviewed sync draft with the record's latest publication decision."""
    item = _locked_pending(item_id)
    if not item.draft.steps.exists():
        # A procedure without its internal process cannot be handled: the sync never brings one.
        raise ReviewRefused("invalid", _("This draft has no internal process yet: add its steps to the draft, then "
                                         "publish."))
    valid_from = valid_from or default_valid_from(item)
    decision = None
    data = latest_decision(item)
    if data is not None:
        signed = parse_date(data.get("NGAYBANHANH"))
        effective = parse_date(data.get("NGAYHIEULUC")) or signed
        decision, _created = PublicationDecision.objects.get_or_create(
            number=_text(data.get("SOQD"))[:100],
            defaults={"title": _text(data.get("TRICHYEU"))[:500] or _text(data.get("SOQD")),
                      "issuer": _text(data.get("COQUANBANHANH"))[:200], "signed_on": signed,
                      "effective_on": max(effective, signed)})
    try:
        version = services.publish(item.draft, decision=decision, valid_from=valid_from)
    except ValidationError as error:
        raise ReviewRefused("invalid", " ".join(error.messages)) from error
    item.review, item.reviewed_by, item.reviewed_at = Review.PUBLISHED, user, timezone.now()
    item.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    return version


@transaction.atomic
def discard_item(item_id: int, user) -> None:
    item = _locked_pending(item_id)
    draft = item.draft
    item.review, item.reviewed_by, item.reviewed_at, item.draft = Review.DISCARDED, user, timezone.now(), None
    item.save(update_fields=["review", "reviewed_by", "reviewed_at", "draft"])
    discard_version(draft)


def pending_items():
    return (CatalogueSyncItem.objects.filter(review=Review.PENDING, draft__status=Status.DRAFT)
            .select_related("draft", "procedure", "sync").order_by("national_code", "-pk"))
