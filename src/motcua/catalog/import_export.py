"""Import and export of the whole catalogue, as JSON or as an Excel workbook.

Both formats carry the same tables (one sheet per table in Excel, one list per table in JSON),
described by TABLES below and in docs/catalog.md. Agencies are named by identifier code, levels
and fields by code, cases by their code within a version, fees by their number within a version.

Import is all or nothing: every row is checked first, each bad row is reported with its table,
row number and reason, and nothing is written unless the whole file is valid.
"""
from __future__ import annotations

import datetime
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.organization.models import AdministrativeLevel, Agency

from . import services
from .models import (DecisionItem, Fee, FeeExemption, Field, Procedure, ProcedureCase, ProcedureVersion, ProcessStep,
                     PublicationDecision, RequiredDocument, build_search_text)

FORMAT_NAME = "motcua-catalog"
FORMAT_VERSION = 1

# kinds: str (required text), text (optional text), default (text; blank = model default), int,
# int? (optional), decimal, decimal?, bool (blank = model default), date?, list (comma-separated codes)
TABLES: dict[str, list[tuple[str, str]]] = {
    "fields": [("code", "str"), ("name", "str")],
    "decisions": [
        ("number", "str"),
        ("title", "str"),
        ("issuer", "text"),
        ("signed_on", "date"),
        ("effective_on", "date"),
    ],
    "decision_items": [("decision", "str"), ("procedure", "str"), ("version", "int"), ("action", "str")],
    "procedures": [
        ("code", "str"),
        ("national_code", "str"),
        ("version", "int"),
        ("status", "str"),
        ("valid_from", "date?"),
        ("valid_to", "date?"),
        ("name", "str"),
        ("field", "str"),
        ("levels", "list"),
        ("competent_agencies", "list"),
        ("receiving_agencies", "list"),
        ("applicant_kinds", "default"),
        ("description", "text"),
        ("requirements", "text"),
        ("result_description", "text"),
        ("legal_basis", "text"),
        ("time_limit", "decimal"),
        ("time_limit_unit", "default"),
        ("service_promise", "decimal?"),
        ("online_time_limit", "decimal?"),
        ("is_same_day", "bool"),
        ("is_on_the_spot", "bool"),
        ("online_level", "default"),
        ("legacy_online_level", "int?"),
        ("accepts_counter", "bool"),
        ("accepts_online", "bool"),
        ("accepts_post", "bool"),
        ("saturday_service", "default"),
        ("is_boundary_free", "bool"),
        ("is_inter_agency", "bool"),
        ("online_fee_discount_percent", "int"),
        ("fee_payable_at", "default"),
    ],
    "cases": [
        ("procedure", "str"),
        ("version", "int"),
        ("code", "str"),
        ("name", "str"),
        ("time_limit", "decimal?"),
        ("time_limit_unit", "text"),
        ("online_time_limit", "decimal?"),
        ("order", "int"),
    ],
    "documents": [
        ("procedure", "str"),
        ("version", "int"),
        ("case", "text"),
        ("order", "int"),
        ("name", "str"),
        ("form_name", "text"),
        ("originals", "int"),
        ("certified_copies", "int"),
        ("copies", "int"),
        ("is_required", "bool"),
        ("reusable_from_store", "bool"),
    ],
    "fees": [
        ("procedure", "str"),
        ("version", "int"),
        ("fee_no", "int"),
        ("case", "text"),
        ("kind", "default"),
        ("name", "str"),
        ("amount", "int"),
        ("description", "text"),
    ],
    "exemptions": [
        ("procedure", "str"),
        ("version", "int"),
        ("fee_no", "int"),
        ("beneficiary", "str"),
        ("percent", "int"),
        ("legal_basis", "text"),
    ],
    "steps": [
        ("procedure", "str"),
        ("version", "int"),
        ("case", "text"),
        ("order", "int"),
        ("name", "str"),
        ("role", "str"),
        ("unit", "text"),
        ("agency", "text"),
        ("budget_hours", "decimal"),
    ],
}
# The English translations (docs/catalog.md): optional text columns, last in each sheet so that a
# file made before they existed keeps its layout and still imports.
TRANSLATION_COLUMNS = {
    "fields": ["name_en"],
    "procedures": ["name_en", "description_en", "requirements_en", "result_description_en"],
    "cases": ["name_en"],
    "documents": ["name_en"],
    "fees": ["name_en", "description_en"],
    "exemptions": ["beneficiary_en"],
    "steps": ["name_en"],
}
for _table, _columns in TRANSLATION_COLUMNS.items():
    TABLES[_table] += [(column, "text") for column in _columns]
# Optional columns with a model default when blank.
DEFAULTS = {
    "int": {"order": 0, "originals": 0, "certified_copies": 0, "copies": 0, "percent": 100,
            "online_fee_discount_percent": 0},
}


class ImportFailed(Exception):
    """The file was rejected; `errors` lists every problem found, nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- export ------------------------------------------------------------------------------------


def _number(value):
    return None if value is None else services._plain(value)


def _date(value):
    return value.isoformat() if value else None


def export_tables() -> dict[str, list[dict]]:
    """The whole catalogue as plain tables, in a stable order."""
    versions = list(
        ProcedureVersion.objects.select_related("procedure", "field")
        .prefetch_related("levels", "competent_agencies", "receiving_agencies")
        .order_by("procedure__code", "number")
    )
    key = {v.pk: (v.procedure.code, v.number) for v in versions}
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    tables["fields"] = [{"code": f.code, "name": f.name, "name_en": f.name_en} for f in Field.objects.order_by("code")]
    tables["decisions"] = [
        {
            "number": d.number,
            "title": d.title,
            "issuer": d.issuer,
            "signed_on": _date(d.signed_on),
            "effective_on": _date(d.effective_on),
        }
        for d in PublicationDecision.objects.order_by("number")
    ]
    items = DecisionItem.objects.select_related("decision").order_by("decision__number", "version__procedure__code",
                                                                      "version__number")
    tables["decision_items"] = [
        {"decision": i.decision.number, "procedure": key[i.version_id][0], "version": key[i.version_id][1],
         "action": i.action}
        for i in items
    ]
    for v in versions:
        tables["procedures"].append(
            {
                "code": v.procedure.code,
                "national_code": v.procedure.national_code,
                "version": v.number,
                "status": v.status,
                "valid_from": _date(v.valid_from),
                "valid_to": _date(v.valid_to),
                "name": v.name,
                "name_en": v.name_en,
                "field": v.field.code,
                "levels": ", ".join(sorted(x.code for x in v.levels.all())),
                "competent_agencies": ", ".join(sorted(x.code for x in v.competent_agencies.all())),
                "receiving_agencies": ", ".join(sorted(x.code for x in v.receiving_agencies.all())),
                "applicant_kinds": v.applicant_kinds,
                "description": v.description,
                "requirements": v.requirements,
                "result_description": v.result_description,
                "legal_basis": v.legal_basis,
                "description_en": v.description_en,
                "requirements_en": v.requirements_en,
                "result_description_en": v.result_description_en,
                "time_limit": _number(v.time_limit),
                "time_limit_unit": v.time_limit_unit,
                "service_promise": _number(v.service_promise),
                "online_time_limit": _number(v.online_time_limit),
                "is_same_day": v.is_same_day,
                "is_on_the_spot": v.is_on_the_spot,
                "online_level": v.online_level,
                "legacy_online_level": v.legacy_online_level,
                "accepts_counter": v.accepts_counter,
                "accepts_online": v.accepts_online,
                "accepts_post": v.accepts_post,
                "saturday_service": v.saturday_service,
                "is_boundary_free": v.is_boundary_free,
                "is_inter_agency": v.is_inter_agency,
                "online_fee_discount_percent": v.online_fee_discount_percent,
                "fee_payable_at": v.fee_payable_at,
            }
        )

    def ref(obj):
        return {"procedure": key[obj.version_id][0], "version": key[obj.version_id][1]}

    def by_version(queryset):
        return sorted(queryset, key=lambda o: (key[o.version_id], o.order, o.pk))

    for c in by_version(ProcedureCase.objects.all()):
        tables["cases"].append(
            ref(c) | {"code": c.code, "name": c.name, "name_en": c.name_en, "time_limit": _number(c.time_limit),
                      "time_limit_unit": c.time_limit_unit, "online_time_limit": _number(c.online_time_limit),
                      "order": c.order}
        )
    for d in by_version(RequiredDocument.objects.select_related("case")):
        tables["documents"].append(
            ref(d) | {"case": d.case.code if d.case else "", "order": d.order, "name": d.name,
                      "name_en": d.name_en, "form_name": d.form_name, "originals": d.originals,
                      "certified_copies": d.certified_copies, "copies": d.copies, "is_required": d.is_required, "reusable_from_store": d.reusable_from_store}
        )
    fee_no: dict[int, int] = {}
    fees = sorted(Fee.objects.select_related("case"), key=lambda f: (key[f.version_id], f.pk))
    counter: dict[int, int] = defaultdict(int)
    for f in fees:
        counter[f.version_id] += 1
        fee_no[f.pk] = counter[f.version_id]
        tables["fees"].append(
            ref(f) | {"fee_no": fee_no[f.pk], "case": f.case.code if f.case else "", "kind": f.kind,
                      "name": f.name, "name_en": f.name_en, "amount": f.amount, "description": f.description,
                      "description_en": f.description_en}
        )
    exemptions = sorted(
        FeeExemption.objects.select_related("fee"), key=lambda e: (key[e.fee.version_id], fee_no[e.fee_id], e.pk)
    )
    for e in exemptions:
        tables["exemptions"].append(
            ref(e.fee) | {"fee_no": fee_no[e.fee_id], "beneficiary": e.beneficiary,
                          "beneficiary_en": e.beneficiary_en, "percent": e.percent,
                          "legal_basis": e.legal_basis}
        )
    steps = sorted(
        ProcessStep.objects.select_related("case", "agency"),
        key=lambda s: (key[s.version_id], s.case.order if s.case else -1, s.case.code if s.case else "", s.order),
    )
    for s in steps:
        tables["steps"].append(
            ref(s) | {"case": s.case.code if s.case else "", "order": s.order, "name": s.name, "name_en": s.name_en,
                      "role": s.role,
                      "unit": s.unit, "agency": s.agency.code if s.agency else "",
                      "budget_hours": _number(s.budget_hours)}
        )
    return tables


def export_json() -> bytes:
    document = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION} | export_tables()
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def export_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    tables = export_tables()
    for name, columns in TABLES.items():
        sheet = workbook.create_sheet(name)
        sheet.append([column for column, _kind in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in tables[name]:
            sheet.append([_xlsx_value(row[column], kind) for column, kind in columns])
        sheet.freeze_panes = "A2"
    from motcua.core.spreadsheets import workbook_bytes

    return workbook_bytes(workbook)  # formula-like texts stored as text, read back unchanged


def _xlsx_value(value, kind):
    if kind.startswith("decimal") and value is not None:
        return Decimal(value)  # a number cell, editable as such in Excel
    return value


def export_catalog(fmt: str) -> bytes:
    if fmt == "json":
        return export_json()
    if fmt == "xlsx":
        return export_xlsx()
    raise ValueError(fmt)


# --- reading files -----------------------------------------------------------------------------


@dataclass
class Row:
    table: str
    number: int  # the row number the user sees: Excel row (header = 1) or position in the JSON list
    values: dict


def read_json(data: bytes) -> dict[str, list[Row]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFailed([_("The file is not valid JSON: %(error)s") % {"error": error}]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportFailed([_("The JSON file is not a motcua catalogue export (format must be %(name)s).")
                            % {"name": FORMAT_NAME}])
    tables, errors = {}, []
    for name in TABLES:
        rows = document.get(name, [])
        if not isinstance(rows, list):
            errors.append(_("Table %(table)s must be a list of rows.") % {"table": name})
            continue
        tables[name] = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(_row_message(name, index, _("a row must be an object of column: value.")))
                continue
            tables[name].append(Row(name, index, row))
    if errors:
        raise ImportFailed(errors)
    return tables


def read_xlsx(data: bytes) -> dict[str, list[Row]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFailed([_("The file is not a readable Excel workbook: %(error)s") % {"error": error}]) from None
    tables = {}
    for name in TABLES:
        tables[name] = []
        if name not in workbook.sheetnames:
            continue
        rows = workbook[name].iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns = [str(c).strip() if c is not None else "" for c in header]
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            values = {col: cell for col, cell in zip(columns, cells) if col}
            tables[name].append(Row(name, number, values))
    workbook.close()
    return tables


def read_file(data: bytes, filename: str) -> dict[str, list[Row]]:
    lower = filename.lower()
    if lower.endswith(".json"):
        return read_json(data)
    if lower.endswith(".xlsx"):
        return read_xlsx(data)
    raise ImportFailed([_("Unknown file type %(name)s: use a .json or .xlsx file.") % {"name": filename}])


# --- parsing values ----------------------------------------------------------------------------

TRUE = {"1", "true", "yes", "x", "có", "co", "đúng"}
FALSE = {"0", "false", "no", "không", "khong", "sai"}


def _parse(value, kind: str):
    """Turn a cell into a Python value; raise ValueError with a message on bad input."""
    blank = value is None or (isinstance(value, str) and not value.strip())
    if isinstance(value, str):
        value = value.strip()
    if kind == "str":
        if blank:
            raise ValueError(_("this column is required."))
        return _text(value)
    if kind == "text":
        return "" if blank else _text(value)
    if kind == "default":
        return None if blank else _text(value)
    if kind == "list":
        return [] if blank else [part.strip() for part in str(value).split(",") if part.strip()]
    if blank:
        if kind.endswith("?") or kind in ("bool", "int"):
            return None
        raise ValueError(_("this column is required."))
    kind = kind.rstrip("?")
    if kind == "decimal":
        if isinstance(value, bool):
            raise ValueError(_("'%(value)s' is not a number.") % {"value": value})
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("'%(value)s' is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(_("'%(value)s' is not a number.") % {"value": value})
        return number
    if kind == "int":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if isinstance(value, bool) or number is None or not number.is_finite() or number != number.to_integral():
            raise ValueError(_("'%(value)s' is not a whole number.") % {"value": value})
        return int(number)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("'%(value)s' is not yes/no (use true or false).") % {"value": value})
    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ValueError(_("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": value}) from None
    raise AssertionError(kind)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _row_message(table, number, message) -> str:
    return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {"sheet": table, "row": number, "message": message}


def _validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(f"{name}: {' '.join(msgs)}" if name != "__all__" else " ".join(msgs)
                        for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


# --- checking and loading ----------------------------------------------------------------------


@dataclass
class Plan:
    """What an import will write, built only from rows that passed every check."""

    fields: dict = dataclass_field(default_factory=dict)  # code -> {code, name, name_en}
    decisions: dict = dataclass_field(default_factory=dict)  # number -> PublicationDecision (unsaved or existing)
    procedures: dict = dataclass_field(default_factory=dict)  # code -> national_code
    versions: dict = dataclass_field(default_factory=dict)  # (code, number) -> (ProcedureVersion, relations)
    cases: dict = dataclass_field(default_factory=dict)  # (code, number, case code) -> ProcedureCase
    documents: list = dataclass_field(default_factory=list)
    fees: dict = dataclass_field(default_factory=dict)  # (code, number, fee_no) -> Fee
    exemptions: list = dataclass_field(default_factory=list)
    steps: list = dataclass_field(default_factory=list)
    items: list = dataclass_field(default_factory=list)


class Checker:
    def __init__(self, tables: dict[str, list[Row]]):
        self.tables = tables
        self.errors: list[str] = []
        self.plan = Plan()
        self.levels = {x.code: x for x in AdministrativeLevel.objects.all()}
        self.agencies = {x.code: x for x in Agency.objects.all()}
        self.existing_fields = {x.code: x for x in Field.objects.all()}
        self.existing_procedures = set(Procedure.objects.values_list("code", flat=True))
        self.known_versions: set[tuple] = set()

    def fail(self, row: Row, message: str):
        self.errors.append(_row_message(row.table, row.number, message))

    def parse_row(self, row: Row) -> dict | None:
        """Typed values of a row, or None after reporting every bad column."""
        result, problems = {}, []
        for column, kind in TABLES[row.table]:
            try:
                value = _parse(row.values.get(column), kind)
            except ValueError as error:
                problems.append(f"{column}: {error}")
                continue
            if value is None and kind in ("bool", "default"):
                continue  # blank: the model's default
            if value is None and kind == "int":
                if column in DEFAULTS["int"]:
                    value = DEFAULTS["int"][column]
                else:
                    problems.append(f"{column}: {_('this column is required.')}")
                    continue
            result[column] = value
        if problems:
            self.fail(row, "; ".join(problems))
            return None
        return result

    def clean(self, row: Row, obj, exclude) -> bool:
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            self.fail(row, _validation_text(error))
            return False
        return True

    def run(self) -> Plan:
        self.check_fields()
        self.check_decisions()
        self.check_procedures()
        self.check_version_parts()
        self.check_decision_items()
        self.check_process_budgets()
        if self.errors:
            raise ImportFailed(self.errors)
        return self.plan

    def check_fields(self):
        for row in self.tables["fields"]:
            values = self.parse_row(row)
            if values is None:
                continue
            if values["code"] in self.plan.fields:
                self.fail(row, _("field code %(code)s appears twice.") % {"code": values["code"]})
                continue
            if self.clean(row, Field(**values), exclude=[]):
                if "name_en" not in row.values:
                    del values["name_en"]  # a file without the column keeps a field's English name
                self.plan.fields[values["code"]] = values

    def check_decisions(self):
        existing = {d.number: d for d in PublicationDecision.objects.all()}
        for row in self.tables["decisions"]:
            values = self.parse_row(row)
            if values is None:
                continue
            number = values["number"]
            if number in self.plan.decisions:
                self.fail(row, _("decision %(number)s appears twice.") % {"number": number})
                continue
            decision = existing.get(number) or PublicationDecision(**values)
            if decision.pk or self.clean(row, decision, exclude=[]):
                self.plan.decisions[number] = decision
        self.existing_decisions = existing

    def field_exists(self, code):
        return code in self.plan.fields or code in self.existing_fields

    def check_procedures(self):
        national = {}
        statuses = defaultdict(list)
        for row in self.tables["procedures"]:
            try:
                self.known_versions.add((_parse(row.values.get("code"), "str"), _parse(row.values.get("version"), "int")))
            except ValueError:
                pass  # parse_row reports it
            values = self.parse_row(row)
            if values is None:
                continue
            code, number = values.pop("code"), values.pop("version")
            national_code = values.pop("national_code")
            problems = []
            if code in self.existing_procedures:
                problems.append(_("procedure %(code)s already exists in the database; change it with a new version "
                                  "in the administration instead.") % {"code": code})
            if (code, number) in self.plan.versions:
                problems.append(_("version %(number)s of %(code)s appears twice.") % {"number": number, "code": code})
            if national.setdefault(code, national_code) != national_code:
                problems.append(_("national code %(value)s differs from an earlier row of the same procedure.")
                                % {"value": national_code})
            if values["status"] not in ProcedureVersion.Status.values:
                problems.append(_("unknown status %(value)s.") % {"value": values["status"]})
            field_code = values.pop("field")
            if not self.field_exists(field_code):
                problems.append(_("unknown field code %(code)s.") % {"code": field_code})
            relations = {}
            for column, known in (("levels", self.levels), ("competent_agencies", self.agencies),
                                  ("receiving_agencies", self.agencies)):
                codes = values.pop(column)
                unknown = [c for c in codes if c not in known]
                if unknown:
                    problems.append(_("%(column)s: unknown code(s) %(codes)s.") % {"column": column,
                                                                                  "codes": ", ".join(unknown)})
                relations[column] = [known[c] for c in codes if c in known]
            if problems:
                self.fail(row, " ".join(problems))
                continue
            version = ProcedureVersion(number=number, **values)
            version.search_text = build_search_text(version.name, code, national_code, version.name_en)
            try:
                version.clean_fields(exclude=["procedure", "field"])
                version.clean()
            except ValidationError as error:
                self.fail(row, _validation_text(error))
                continue
            version._field_code = field_code
            self.plan.procedures[code] = national_code
            self.plan.versions[(code, number)] = (version, relations, row)
            statuses[code].append((values["status"], row))
        for code, entries in statuses.items():
            for status in (ProcedureVersion.Status.PUBLISHED, ProcedureVersion.Status.DRAFT):
                rows = [row for s, row in entries if s == status]
                for row in rows[1:]:
                    self.fail(row, _("procedure %(code)s has more than one version with status %(status)s.")
                              % {"code": code, "status": status})

    def version_of(self, row: Row, values: dict):
        """The (code, number) key of the version a row belongs to, or None if no procedures row names it.

        A version whose own row is bad still counts as known, so that its cases, documents and steps
        are checked too and every problem is reported in one go.
        """
        key = (values.pop("procedure"), values.pop("version"))
        if key not in self.known_versions:
            self.fail(row, _("version %(number)s of procedure %(code)s is not in the procedures sheet.")
                      % {"code": key[0], "number": key[1]})
            return None, key
        return key, key

    def case_of(self, row: Row, key, case_code):
        if not case_code:
            return True, None
        case = self.plan.cases.get((*key, case_code))
        if case is None:
            self.fail(row, _("unknown case code %(code)s for this version.") % {"code": case_code})
            return False, None
        return True, case

    # The sheets of a version's parts, in the order they may refer to each other (a document, fee or
    # step may name a case of its version; an exemption a fee): each row is read, tied to its
    # version (`version_of`), then handed to the sheet's method with its version key.
    VERSION_PART_SHEETS = (
        ("cases", "add_case"),
        ("documents", "add_document"),
        ("fees", "add_fee"),
        ("exemptions", "add_exemption"),
        ("steps", "add_step"),
    )

    def check_version_parts(self):
        self.step_keys = set()
        for sheet, method in self.VERSION_PART_SHEETS:
            add = getattr(self, method)
            for row in self.tables[sheet]:
                values = self.parse_row(row)
                if values is None:
                    continue
                version, key = self.version_of(row, values)
                if version is not None:
                    add(row, key, values)

    def add_case(self, row: Row, key, values: dict):
        if (*key, values["code"]) in self.plan.cases:
            self.fail(row, _("case code %(code)s appears twice in this version.") % {"code": values["code"]})
            return
        case = ProcedureCase(**values)
        case.version_key = key
        if self.clean(row, case, exclude=["version"]):
            self.plan.cases[(*key, case.code)] = case

    def add_document(self, row: Row, key, values: dict):
        ok, case = self.case_of(row, key, values.pop("case"))
        document = RequiredDocument(**values)
        if ok and self.clean(row, document, exclude=["version", "case"]):
            self.plan.documents.append((key, case, document))

    def add_fee(self, row: Row, key, values: dict):
        fee_no = values.pop("fee_no")
        if (*key, fee_no) in self.plan.fees:
            self.fail(row, _("fee number %(number)s appears twice in this version.") % {"number": fee_no})
            return
        ok, case = self.case_of(row, key, values.pop("case"))
        fee = Fee(**values)
        if ok and self.clean(row, fee, exclude=["version", "case"]):
            fee.version_key, fee.case_obj = key, case
            self.plan.fees[(*key, fee_no)] = fee

    def add_exemption(self, row: Row, key, values: dict):
        fee = self.plan.fees.get((*key, values.pop("fee_no")))
        if fee is None:
            self.fail(row, _("no fee with this number in this version."))
            return
        exemption = FeeExemption(**values)
        if self.clean(row, exemption, exclude=["fee"]):
            self.plan.exemptions.append((fee, exemption))

    def add_step(self, row: Row, key, values: dict):
        case_code = values.pop("case")
        ok, case = self.case_of(row, key, case_code)
        agency_code = values.pop("agency")
        if agency_code and agency_code not in self.agencies:
            self.fail(row, _("unknown agency identifier code %(code)s.") % {"code": agency_code})
            return
        if (*key, case_code, values["order"]) in self.step_keys:
            self.fail(row, _("step order %(order)s appears twice for the same case.") % {"order": values["order"]})
            return
        step = ProcessStep(agency=self.agencies.get(agency_code) if agency_code else None, **values)
        if ok and self.clean(row, step, exclude=["version", "case", "agency"]):
            self.step_keys.add((*key, case_code, values["order"]))
            self.plan.steps.append((key, case, step))

    def check_decision_items(self):
        seen = set()
        for row in self.tables["decision_items"]:
            values = self.parse_row(row)
            if values is None:
                continue
            decision = self.plan.decisions.get(values["decision"]) or self.existing_decisions.get(values["decision"])
            key = (values["procedure"], values["version"])
            problems = []
            if decision is None:
                problems.append(_("unknown decision %(number)s.") % {"number": values["decision"]})
            if key not in self.known_versions:
                problems.append(_("version %(number)s of procedure %(code)s is not in the procedures sheet.")
                                % {"code": key[0], "number": key[1]})
            if values["action"] not in DecisionItem.Action.values:
                problems.append(_("unknown action %(value)s.") % {"value": values["action"]})
            if (values["decision"], key) in seen:
                problems.append(_("this decision already lists this version."))
            if problems:
                self.fail(row, " ".join(problems))
                continue
            seen.add((values["decision"], key))
            self.plan.items.append((decision, key, values["action"]))

    def check_process_budgets(self):
        cases_by_version = defaultdict(list)
        for case in self.plan.cases.values():
            cases_by_version[case.version_key].append(case)
        budgets = defaultdict(list)
        for key, case, step in self.plan.steps:
            budgets[key].append((case.code if case else None, step.budget_hours))
        for key, (version, _relations, row) in self.plan.versions.items():
            if version.status == ProcedureVersion.Status.DRAFT:
                continue  # a draft may be unfinished; publish() checks it
            for message in services.budget_errors(version, cases_by_version[key], budgets[key]):
                self.fail(row, message)


def check(tables: dict[str, list[Row]]) -> Plan:
    return Checker(tables).run()


@transaction.atomic
def import_tables(tables: dict[str, list[Row]]) -> dict[str, int]:
    """Check everything, then write everything; raise ImportFailed and write nothing on any error."""
    plan = check(tables)
    fields = {}
    for code, values in plan.fields.items():
        defaults = {key: values[key] for key in ("name", "name_en") if key in values}
        fields[code], _created = Field.objects.update_or_create(code=code, defaults=defaults)
    for decision in plan.decisions.values():
        if not decision.pk:
            decision.save()
    procedures = {
        code: Procedure.objects.create(code=code, national_code=national) for code, national in plan.procedures.items()
    }
    all_fields = {f.code: f for f in Field.objects.all()}
    versions = {}
    for key, (version, _relations, _row) in plan.versions.items():
        version.procedure = procedures[key[0]]
        version.field = all_fields[version._field_code]
        versions[key] = version
    # Bulk writes on purpose: rows arrive already published, which the per-row guards forbid.
    ProcedureVersion.objects.bulk_create(versions.values())
    for name in ("levels", "competent_agencies", "receiving_agencies"):
        through = getattr(ProcedureVersion, name).through
        target = "administrativelevel" if name == "levels" else "agency"
        through.objects.bulk_create(
            through(procedureversion_id=versions[key].pk, **{f"{target}_id": obj.pk})
            for key, (_v, relations, _row) in plan.versions.items()
            for obj in relations[name]
        )
    for case in plan.cases.values():
        case.version = versions[case.version_key]
    ProcedureCase.objects.bulk_create(plan.cases.values())
    for key, case, document in plan.documents:
        document.version, document.case = versions[key], case
    RequiredDocument.objects.bulk_create(d for _k, _c, d in plan.documents)
    for fee in plan.fees.values():
        fee.version, fee.case = versions[fee.version_key], fee.case_obj
    Fee.objects.bulk_create(plan.fees.values())
    for fee, exemption in plan.exemptions:
        exemption.fee = fee
    FeeExemption.objects.bulk_create(e for _f, e in plan.exemptions)
    for key, case, step in plan.steps:
        step.version, step.case = versions[key], case
    ProcessStep.objects.bulk_create(s for _k, _c, s in plan.steps)
    DecisionItem.objects.bulk_create(
        DecisionItem(decision=decision, version=versions[key], action=action) for decision, key, action in plan.items
    )
    for key, version in versions.items():
        if version.status == ProcedureVersion.Status.PUBLISHED:
            procedures[key[0]].current_version = version
    Procedure.objects.bulk_update(procedures.values(), ["current_version"])
    return {
        "fields": len(plan.fields),
        "decisions": len(plan.decisions),
        "procedures": len(plan.procedures),
        "versions": len(versions),
        "cases": len(plan.cases),
        "documents": len(plan.documents),
        "fees": len(plan.fees),
        "exemptions": len(plan.exemptions),
        "steps": len(plan.steps),
        "decision_items": len(plan.items),
    }


def import_file(data: bytes, filename: str) -> dict[str, int]:
    tables = read_file(data, filename)
    try:
        return import_tables(tables)
    except IntegrityError as error:  # a rule the checks missed: still nothing written, still a clear answer
        raise ImportFailed([_("The database refused the import: %(error)s") % {"error": error}]) from None
