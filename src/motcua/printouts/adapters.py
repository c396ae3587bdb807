"""From dossier models to the plain data the forms print (`data.py`)."""
from urllib.parse import quote

from django.db.models import F
from django.utils import timezone

from motcua.core.periods import local_day_bounds
from motcua.core.site import absolute

from .data import BookRow, DocumentLine, DossierSheet, StepLine, TrackingBook

OUTCOMES = {1: "early", 2: "on_time", 3: "late"}
# The event whose payload holds the reason each form prints.
REASON_EVENTS = {"02": "request_supplement", "03": "refuse_intake", "04": "apologise"}
# Forms issued by the agency resolving the dossier rather than the one that received it.
COMPETENT_AGENCY_FORMS = {"04", "05"}


def to_printable(code: str, subject):
    if isinstance(subject, (DossierSheet, TrackingBook)):
        return subject
    if code == "06":
        return book_from_params(subject)
    return sheet_from_dossier(subject, code)


def tracking_url(dossier_code: str) -> str:
    return absolute(f"/tra-cuu/?ma={quote(dossier_code)}")


def person_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return (profile.full_name if profile else "") or user.get_full_name() or user.get_username()


def place_of(agency) -> str:
    """The place on the date line: the agency's administrative unit without its level word."""
    unit = getattr(agency, "administrative_unit", None)
    if unit is None:
        return ""
    name = unit.name
    for prefix in ("Tỉnh ", "Thành phố ", "Huyện ", "Quận ", "Thị xã ", "Xã ", "Phường ", "Thị trấn "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def name_on(unit, day) -> str:
    """The name of an agency or service point in force on `day` (Decree 118/2025 renamed the commune
    one-stop units on 1 July 2025): an older dossier or period keeps the names of its time."""
    if unit is None:
        return ""
    name_on = getattr(unit, "name_on", None)
    return name_on(day) if name_on is not None else unit.name


def dossier_day(dossier):
    """The day whose names a dossier's forms print: its receipt, else its online submission."""
    moment = dossier.received_at or getattr(dossier, "submitted_at", None)
    return timezone.localdate(moment) if moment else None


def _reason_payload(dossier, form_code: str) -> dict:
    kind = REASON_EVENTS.get(form_code)
    if not kind:
        return {}
    event = dossier.events.filter(kind=kind).order_by("-at", "-pk").first()
    return event.payload if event else {}


def _missing_items(payload: dict) -> list[str]:
    items = payload.get("missing_items") or payload.get("items") or []
    if isinstance(items, str):
        items = [line for line in items.splitlines() if line.strip()]
    return [str(item.get("name", item)) if isinstance(item, dict) else str(item) for item in items]


def sheet_from_dossier(dossier, form_code: str = "01") -> DossierSheet:
    agency = dossier.competent_agency if form_code in COMPETENT_AGENCY_FORMS else dossier.receiving_agency
    payload = _reason_payload(dossier, form_code)
    day = dossier_day(dossier)
    documents = [
        DocumentLine(doc.name, doc.originals, doc.copies, certified_copies=doc.certified_copies,
                     electronic=bool(doc.file))
        # In the procedure's order (the receipt SQL does not insert in it), extra documents last.
        for doc in dossier.documents.order_by(F("required_document__order").asc(nulls_last=True), "pk")
    ]
    steps = [
        StepLine(
            name=step.name,
            unit=" - ".join(v for v in (step.unit, name_on(step.agency, day) if step.agency_id else "") if v),
            given_by=person_name(step.given_by),
            given_at=step.started_at,
            taken_by=person_name(step.assignee),
            taken_at=step.started_at,
            due_at=step.due_at,
            finished_at=step.finished_at,
            outcome=OUTCOMES.get(step.outcome, ""),
            note=step.note,
        )
        for step in dossier.steps.select_related("agency", "given_by", "assignee").order_by("order")
    ]
    agency_name = name_on(agency, day)
    parent_name = name_on(agency.parent, day) if agency.parent_id else ""
    place = place_of(agency)
    if form_code == "01" and dossier.service_point_id:
        # The slip is issued by the body that received the dossier: the centre or the commune
        # centre, under its parent body, as its own text says ("... tiếp nhận hồ sơ của").
        agency_name, parent_name, place = receiving_body(dossier.service_point, day)
    return DossierSheet(
        code=dossier.code,
        agency_name=agency_name,
        parent_agency_name=parent_name,
        place=place,
        service_point_name=name_on(dossier.service_point, day) if dossier.service_point_id else "",
        procedure_name=dossier.procedure_version.name,
        procedure_code=dossier.procedure.code,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        documents=documents,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        return_channel=str(dossier.get_return_channel_display()),
        return_address=dossier.delivery_address,
        receiving_officer=person_name(dossier.received_by),
        tracking_url=tracking_url(dossier.code),
        reason=str(payload.get("reason", "")),
        missing_items=_missing_items(payload),
        new_due_at=dossier.appointment_at,
        steps=steps,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        status=str(dossier.get_status_display()),
        fee_due=int(dossier.fee_due or 0),
        fee_paid=int(dossier.fee_paid or 0),
        fee_payable_at=str(dossier.procedure_version.get_fee_payable_at_display()),
        fee_exemptions=_fee_exemptions(dossier) if form_code == "01" else [],
    )


def receiving_body(service_point, day) -> tuple[str, str, str]:
    """(name, parent body, place) of a service point for a form's header: a commune centre under
    the commune's people's committee (its host agency), the provincial centre under its host
    agency's parent (the provincial office or committee)."""
    name = name_on(service_point, day)
    host = service_point.host_agency
    if host is None:
        return name, "", place_of(service_point)
    if host.kind == host.Kind.PEOPLES_COMMITTEE:
        parent = name_on(host, day)
    else:
        parent = name_on(host.parent, day) if host.parent_id else ""
    return name, parent, place_of(host) or place_of(service_point)


def _fee_exemptions(dossier) -> list[str]:
    """The exemptions applied at receipt (recorded on the receipt event)."""
    event = dossier.events.filter(kind__in=("receive_at_counter", "receive_by_post", "submit_online")).order_by(
        "at", "pk").first()
    return [str(item) for item in (event.payload.get("fee_exemptions") or [])] if event else []


def book_from_params(params: dict) -> TrackingBook:
    """Form 06 from {date_from, date_to, queryset (dossiers to consider), agency_name, agency_ids}:
    the dossiers received in the period (`dossiers.counting`: none refused at intake)."""
    from motcua.dossiers.counting import received_between_q
    from motcua.dossiers.models import Dossier

    date_from, date_to = params["date_from"], params["date_to"]
    queryset = params.get("queryset")
    if queryset is None:
        queryset = Dossier.objects.all()
    if params.get("agency_ids"):
        queryset = queryset.filter(receiving_agency_id__in=params["agency_ids"])
    start, end = local_day_bounds(date_from, date_to)
    dossiers = (
        queryset.filter(received_between_q(start, end))
        .select_related("procedure_version")
        .order_by("received_at", "pk")
    )
    rows = [
        BookRow(
            code=d.code,
            applicant_name=d.applicant_name,
            procedure_name=d.procedure_version.name,
            received_at=d.received_at,
            due_at=d.due_at,
            finished_at=d.finished_at,
            returned_at=d.returned_at,
            outcome=OUTCOMES.get(d.outcome, ""),
            status=str(d.get_status_display()),
        )
        for d in dossiers
    ]
    return TrackingBook(
        agency_name=params.get("agency_name", ""),
        parent_agency_name=params.get("parent_agency_name", ""),
        place=params.get("place", ""),
        date_from=date_from,
        date_to=date_to,
        rows=rows,
    )
