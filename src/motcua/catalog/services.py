"""The one place for catalogue writes, plus the two rules other apps read: time limits and the
process budget.

A published version is immutable: every change goes through `new_version` (a draft clone of the
version in force), edits to the draft, then `publish`. Old versions stay readable because dossiers
point at the version they were received under.

Related rows are given as plain dicts so that the demo loader, the importer and tests all speak
the same language:

    create_procedure(
        "1.001193.000.00.00.H99", "1.001193",
        name="Đăng ký khai sinh", field="ho-tich", time_limit=1,
        levels=["xa"], competent_agencies=["000.00.01.H99"],
        cases=[{"code": "dung-han", "name": "Đúng hạn"}],
        documents=[{"name": "Tờ khai", "originals": 1, "case": "dung-han"}],
        fees=[{"name": "Lệ phí", "amount": 8000, "exemptions": [{"beneficiary": "Hộ nghèo"}]}],
        steps=[{"order": 1, "name": "Tiếp nhận", "role": "counter_officer", "budget_hours": 2}],
        publish=True,
    )

Foreign keys in those dicts may be model instances or codes (field code, level code, agency
identifier code, case code within the version).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organization.models import AdministrativeLevel, Agency

from .models import (
    DecisionItem,
    Fee,
    FeeExemption,
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    RequiredDocument,
    TimeUnit,
)

HOURS_PER_DAY = Decimal("8")
Status = ProcedureVersion.Status


# --- reading rules ---------------------------------------------------------------------------


def effective_limit(version: ProcedureVersion, case: ProcedureCase | None = None, online: bool = False):
    """The legal time limit that applies: (amount: Decimal, unit: TimeUnit value).

    The case's own limit wins over the version's; an online dossier gets the online limit of the
    same source when one is set. A same-day procedure stored with a zero limit counts as one working
    day of 8 working hours.
    """
    source = case if case is not None and case.time_limit is not None else version
    amount, unit = Decimal(source.time_limit), source.time_limit_unit
    online_amount = source.online_time_limit
    if online_amount is None and source is version and case is not None:
        online_amount = case.online_time_limit  # a case may shorten only the online limit
    if online and online_amount is not None:
        amount = Decimal(online_amount)
    if amount == 0 and version.is_same_day:
        return HOURS_PER_DAY, TimeUnit.WORKING_HOURS.value
    return amount, unit


def limit_in_working_hours(amount: Decimal, unit: str) -> Decimal:
    """Working days and calendar days both count 8 working hours per day (see docs/catalog.md)."""
    if unit == TimeUnit.WORKING_HOURS:
        return Decimal(amount)
    return Decimal(amount) * HOURS_PER_DAY


def process_budget_errors(version: ProcedureVersion) -> list[str]:
    """Messages for every case whose steps' budgets add up to more than its legal limit."""
    cases = list(version.cases.all())
    by_pk = {case.pk: case.code for case in cases}
    budgets = [(by_pk.get(step.case_id), step.budget_hours) for step in version.steps.all()]
    return budget_errors(version, cases, budgets)


def budget_errors(version: ProcedureVersion, cases: list[ProcedureCase], budgets: list[tuple]) -> list[str]:
    """The rule itself, on objects in memory: `budgets` are (case code or None, working hours).

    Steps without a case apply to every case; a version without cases is checked once.
    """
    common = sum((hours for code, hours in budgets if code is None), Decimal("0"))
    errors = []
    for case in cases or [None]:
        own = sum((hours for code, hours in budgets if case is not None and code == case.code), Decimal("0"))
        total = common + Decimal(own)
        amount, unit = effective_limit(version, case)
        limit_hours = limit_in_working_hours(amount, unit)
        if version.is_same_day:
            limit_hours = min(limit_hours, HOURS_PER_DAY)
        if total > limit_hours:
            errors.append(
                _(
                    "%(case)s: the process steps take %(total)s working hours, more than the legal limit of "
                    "%(limit)s working hours (%(amount)s %(unit)s)."
                )
                % {
                    "case": case.name if case else _("All cases"),
                    "total": _plain(total),
                    "limit": _plain(limit_hours),
                    "amount": _plain(amount),
                    "unit": TimeUnit(unit).label,
                }
            )
    return errors


def validate_process(version: ProcedureVersion) -> None:
    """Raise ValidationError if a case's step budgets exceed its legal limit in working hours."""
    errors = process_budget_errors(version)
    if errors:
        raise ValidationError(errors)


def _plain(value) -> str:
    """5.00 -> "5", 2.50 -> "2.5": figures in messages without trailing zeros."""
    text = format(Decimal(value).normalize(), "f")
    return text


# --- resolving codes ---------------------------------------------------------------------------


def _field(value) -> Field:
    if isinstance(value, Field):
        return value
    try:
        return Field.objects.get(code=value)
    except Field.DoesNotExist:
        raise ValidationError(_("Unknown field code: %(code)s") % {"code": value}) from None


def _levels(values: Iterable) -> list[AdministrativeLevel]:
    return _by_code(AdministrativeLevel, values, _("Unknown level code: %(code)s"))


def _agencies(values: Iterable) -> list[Agency]:
    return _by_code(Agency, values, _("Unknown agency identifier code: %(code)s"))


def _by_code(model, values: Iterable, message: str) -> list:
    values = list(values or [])
    codes = [v for v in values if not isinstance(v, model)]
    found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
    result = []
    for value in values:
        if isinstance(value, model):
            result.append(value)
        elif value in found:
            result.append(found[value])
        else:
            raise ValidationError(message % {"code": value})
    return result


def _agency_or_none(value) -> Agency | None:
    if value in (None, ""):
        return None
    return _agencies([value])[0]


# --- writes ------------------------------------------------------------------------------------

RELATION_KEYS = ("levels", "competent_agencies", "receiving_agencies")


@transaction.atomic
def create_procedure(
    code: str,
    national_code: str,
    *,
    field,
    levels: Iterable = (),
    competent_agencies: Iterable = (),
    receiving_agencies: Iterable = (),
    cases: Iterable[dict] = (),
    documents: Iterable[dict] = (),
    fees: Iterable[dict] = (),
    steps: Iterable[dict] = (),
    publish: bool = False,
    decision: PublicationDecision | None = None,
    valid_from: datetime.date | None = None,
    is_sensitive: bool = False,
    **content,
) -> ProcedureVersion:
    """Create a procedure with its first version (a draft, or published when `publish`).
    `is_sensitive`: the name is hidden from public tracking until the applicant is proven."""
    if Procedure.objects.filter(code=code).exists():
        raise ValidationError(_("A procedure with code %(code)s already exists.") % {"code": code})
    procedure = Procedure(code=code, national_code=national_code, is_sensitive=is_sensitive)
    procedure.full_clean()
    procedure.save()
    version = ProcedureVersion(procedure=procedure, number=1, field=_field(field), **content)
    version.full_clean(exclude=["procedure"])
    version.save()
    _set_relations(version, levels, competent_agencies, receiving_agencies)
    _add_content(version, cases=cases, documents=documents, fees=fees, steps=steps)
    if publish:
        return publish_version(version, decision=decision, valid_from=valid_from)
    return version


@transaction.atomic
def update_draft(version: ProcedureVersion, **changes) -> ProcedureVersion:
    """Change scalar content and relations of a draft (relations replace the old set)."""
    relations = {key: changes.pop(key) for key in RELATION_KEYS if key in changes}
    if "field" in changes:
        changes["field"] = _field(changes["field"])
    for name, value in changes.items():
        setattr(version, name, value)
    version.full_clean()
    version.save()
    if relations:
        _set_relations(version, *(relations.get(key) for key in RELATION_KEYS))
    return version


def _set_relations(version, levels=None, competent_agencies=None, receiving_agencies=None):
    if levels is not None:
        version.levels.set(_levels(levels))
    if competent_agencies is not None:
        version.competent_agencies.set(_agencies(competent_agencies))
    if receiving_agencies is not None:
        version.receiving_agencies.set(_agencies(receiving_agencies))


def _add_content(version, *, cases=(), documents=(), fees=(), steps=()):
    """Create cases first, then the rows that may name a case by its code."""
    case_by_code = {c.code: c for c in version.cases.all()}
    for order, data in enumerate(cases or [], start=1):
        data = dict(data)
        data.setdefault("order", order)
        case = ProcedureCase(version=version, **data)
        case.full_clean(exclude=["version"], validate_unique=False, validate_constraints=False)
        if case.code in case_by_code:
            raise ValidationError(_("Duplicate case code: %(code)s") % {"code": case.code})
        case.save()
        case_by_code[case.code] = case

    def case_of(data):
        value = data.pop("case", None)
        if value in (None, "") or isinstance(value, ProcedureCase):
            return value or None
        if value not in case_by_code:
            raise ValidationError(_("Unknown case code: %(code)s") % {"code": value})
        return case_by_code[value]

    for order, data in enumerate(documents or [], start=1):
        data = dict(data)
        data.setdefault("order", order)
        document = RequiredDocument(version=version, case=case_of(data), **data)
        document.full_clean(exclude=["version", "case"])
        document.save()
    for data in fees or []:
        data = dict(data)
        exemptions = data.pop("exemptions", [])
        fee = Fee(version=version, case=case_of(data), **data)
        fee.full_clean(exclude=["version", "case"])
        fee.save()
        for item in exemptions:
            exemption = FeeExemption(fee=fee, **item)
            exemption.full_clean(exclude=["fee"])
            exemption.save()
    for order, data in enumerate(steps or [], start=1):
        data = dict(data)
        data.setdefault("order", order)
        data["agency"] = _agency_or_none(data.get("agency"))
        step = ProcessStep(version=version, case=case_of(data), **data)
        step.full_clean(exclude=["version", "case", "agency"], validate_unique=False, validate_constraints=False)
        step.save()


@transaction.atomic
def add_content(version: ProcedureVersion, *, cases=(), documents=(), fees=(), steps=()) -> ProcedureVersion:
    """Add cases, documents, fees (with exemptions) and steps to a draft."""
    if version.status != Status.DRAFT:
        raise ValidationError(_("A published version cannot be changed; create a new version instead."))
    _add_content(version, cases=cases, documents=documents, fees=fees, steps=steps)
    return version


def current_or_latest(procedure: Procedure) -> ProcedureVersion | None:
    if procedure.current_version_id:
        return procedure.current_version
    return procedure.versions.exclude(status=Status.DRAFT).order_by("-number").first()


@transaction.atomic
def new_version(procedure: Procedure) -> ProcedureVersion:
    """A draft copy of the version in force, with all its content, ready to be edited."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.versions.filter(status=Status.DRAFT).exists():
        raise ValidationError(
            _("Procedure %(code)s already has a draft version; edit or publish it first.") % {"code": procedure.code}
        )
    source = current_or_latest(procedure)
    if source is None:
        raise ValidationError(_("Procedure %(code)s has no version to copy.") % {"code": procedure.code})
    number = max(procedure.versions.values_list("number", flat=True)) + 1
    return clone_version(source, number)


def clone_version(source: ProcedureVersion, number: int) -> ProcedureVersion:
    draft = ProcedureVersion.objects.get(pk=source.pk)
    draft.pk = None
    draft.number = number
    draft.status = Status.DRAFT
    draft.valid_from = draft.valid_to = None
    draft.created_at = None
    draft.save()
    draft.levels.set(source.levels.all())
    draft.competent_agencies.set(source.competent_agencies.all())
    draft.receiving_agencies.set(source.receiving_agencies.all())

    case_map = {}
    for case in source.cases.all():
        old_pk = case.pk
        case.pk, case.version = None, draft
        case.save()
        case_map[old_pk] = case
    for document in source.documents.all():
        document.pk, document.version, document.case = None, draft, case_map.get(document.case_id)
        document.save()
    for fee in source.fees.prefetch_related("exemptions"):
        exemptions = list(fee.exemptions.all())
        fee.pk, fee.version, fee.case = None, draft, case_map.get(fee.case_id)
        fee.save()
        for exemption in exemptions:
            exemption.pk, exemption.fee = None, fee
            exemption.save()
    for step in source.steps.all():
        step.pk, step.version, step.case = None, draft, case_map.get(step.case_id)
        step.save()
    return draft


@transaction.atomic
def publish(
    version: ProcedureVersion,
    decision: PublicationDecision | None = None,
    valid_from: datetime.date | None = None,
    action: str | None = None,
) -> ProcedureVersion:
    """Put a draft in force: the previous version is superseded the day before, and the decision
    (if any) records the publication (action `publish` for a first version, else `amend`)."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    valid_from = valid_from or (decision.effective_on if decision else timezone.localdate())
    version.full_clean()
    validate_process(version)

    previous = procedure.current_version
    if previous is not None and previous.status == Status.PUBLISHED:
        if previous.valid_from and valid_from <= previous.valid_from:
            raise ValidationError(
                _("The new version must take effect after %(day)s, when the current version did.")
                % {"day": previous.valid_from.isoformat()}
            )
        previous.status = Status.SUPERSEDED
        previous.valid_to = valid_from - datetime.timedelta(days=1)
        previous.save(update_fields=["status", "valid_to"])

    version.status = Status.PUBLISHED
    version.valid_from = valid_from
    version.save(update_fields=["status", "valid_from"])
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    if decision is not None:
        if action is None:
            action = DecisionItem.Action.PUBLISH if previous is None else DecisionItem.Action.AMEND
        DecisionItem.objects.create(decision=decision, version=version, action=action)
    return version


publish_version = publish  # the name create_procedure uses, where `publish` is its flag


@transaction.atomic
def abolish(procedure: Procedure, decision: PublicationDecision | None = None, valid_to: datetime.date | None = None):
    """End a procedure: its version in force becomes abolished and it leaves the public catalogue."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    version = procedure.current_version
    if version is None or version.status != Status.PUBLISHED:
        raise ValidationError(_("Procedure %(code)s has no version in force to abolish.") % {"code": procedure.code})
    if valid_to is None:
        effective = decision.effective_on if decision else timezone.localdate()
        valid_to = effective - datetime.timedelta(days=1)
    if version.valid_from and valid_to < version.valid_from:
        raise ValidationError(
            _("The abolition must take effect after %(day)s, when the version in force began.")
            % {"day": version.valid_from.isoformat()}
        )
    version.status = Status.ABOLISHED
    version.valid_to = valid_to
    version.save(update_fields=["status", "valid_to"])
    procedure.current_version = None
    procedure.save(update_fields=["current_version"])
    if decision is not None:
        DecisionItem.objects.create(decision=decision, version=version, action=DecisionItem.Action.ABOLISH)
    return version


def published_versions():
    """The public catalogue: one version in force per procedure."""
    return ProcedureVersion.objects.filter(status=Status.PUBLISHED)
