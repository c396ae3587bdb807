"""Demo dossiers: a few weeks of counter work in the demo province, made through the dossier
engine's own commands (so every row, step and event is what real use would produce).

Only loaded once (when the province has no dossiers yet) and only with the demo accounts, since
every action needs an officer. Moments are in the past, on the legal calendar, so the work
queues show dossiers due today, this week, overdue, waiting for a supplement and finished.
"""
import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.calendar.services import legal_calendar
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.organization.models import Agency, Role, RoleAssignment, ServicePoint

# Agencies whose demo officers cover every role, and the service point they receive at.
DEMO_AGENCY_CODES_SUFFIX = ("tu_phap", "xay_dung", "tai_chinh", "vpdk_dat_dai", "cong_an")
# What happens to each dossier after receipt, cycled over the dossiers of an agency.
SCENARIOS = ("received", "processing", "supplement", "returned", "resolved", "returned", "processing", "returned")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Yến"]


def synthetic_person(rng: random.Random, index: int) -> dict:
    """A generated applicant: name, a structurally valid 12-digit citizen ID, a 09x phone."""
    year = rng.randint(1960, 2004)
    female = rng.random() < 0.5
    century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
    citizen_id = f"0{rng.choice(['01', '26', '38', '79', '99'])}{century_sex}{year % 100:02d}{rng.randint(0, 999999):06d}"
    return {
        "kind": "person",
        "name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "id_number": citizen_id,
        "birth_date": datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        "phone": f"09{rng.randint(10000000, 99999999)}",
        "email": f"nguoidan{index}@demo.motcua.invalid",
        "address": f"Số {rng.randint(1, 200)}, tổ {rng.randint(1, 20)}, phường Bến Đò, tỉnh Sông Mây",
    }


def _officer(agency: Agency, role: str):
    assignment = (
        RoleAssignment.objects.filter(agency=agency, role=role).select_related("user").order_by("user__username").first()
    )
    return assignment.user if assignment else None


def _documents(version: ProcedureVersion, case) -> list[dict]:
    docs = version.documents.filter(case__isnull=True) | version.documents.filter(case=case)
    return [
        {
            "required_document": doc.pk,
            "originals": doc.originals,
            "certified_copies": doc.certified_copies,
            "copies": doc.copies,
        }
        for doc in docs
    ]


def _pay_at_counter(officer, dossier: Dossier, moment) -> None:
    """The applicant pays what the dossier owes at the counter, at `moment` (a past day)."""
    from motcua.payments import services as payments

    dossier.refresh_from_db()
    owed = payments.owed(dossier)
    if owed and officer is not None:
        try:
            payments.record_counter_payment(officer, dossier, owed, "cash", f"BL-{dossier.code}", at=moment)
        except payments.PaymentError:
            pass  # left owed, as happens


class _NotYet(Exception):
    """The scenario's next action would lie in the future: the dossier stays where it is."""


def _advance(dossier: Dossier, scenario: str, moment, cal, admin, now, cashier=None):
    """Take the dossier through the scenario, each action an hour or so of working time later,
    never past `now` (a recent dossier simply has not got that far yet)."""

    def later(hours):
        when = cal.add(moment, hours, "working_hours")
        if when > now:
            raise _NotYet
        return when

    if scenario == "received":
        return
    if scenario == "supplement":
        services.request_supplement(
            admin, dossier, items=["Bản sao chứng thực giấy tờ tùy thân"],
            reason="Bản sao nộp kèm không rõ nét, cần bổ sung bản chứng thực.", at=later(2),
        )
        return
    at = later(1)
    services.hand_over(admin, dossier, at=at)
    if scenario == "processing":
        return
    # Walk the remaining catalogue steps, then resolve and (maybe) return.
    dossier.refresh_from_db()
    hours = 2
    while dossier.current_step_index is not None and dossier.current_step_index < dossier.procedure_version.steps.filter(case__isnull=True).count():
        hours += 3
        try:
            services.hand_over(admin, dossier, at=later(hours))
        except services.DossierActionError:
            break
        dossier.refresh_from_db()
    payable_at = dossier.procedure_version.fee_payable_at
    if payable_at == "before_result":
        _pay_at_counter(cashier, dossier, later(hours + 1))
    services.resolve(admin, dossier, result_description="Kết quả giải quyết thủ tục hành chính", at=later(hours + 2))
    if scenario == "returned":
        _pay_at_counter(cashier, dossier, later(hours + 3))  # a fee payable at return
        services.return_result(admin, dossier, at=later(hours + 3))


def load_demo_dossiers(per_agency: int = 8, seed: int = 2026) -> int:
    """Create demo dossiers if the province has none yet. Returns how many were created."""
    if Dossier.objects.exists():
        return 0
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        return 0
    rng = random.Random(seed)
    cal = legal_calendar()
    centre = ServicePoint.objects.filter(kind=ServicePoint.Kind.PROVINCIAL_CENTRE).order_by("pk").first()
    now = timezone.localtime()
    created = 0
    for agency in Agency.objects.filter(role_assignments__role=Role.COUNTER_OFFICER).distinct().order_by("code"):
        counter_officer = _officer(agency, Role.COUNTER_OFFICER)
        versions = list(
            ProcedureVersion.objects.filter(
                status=ProcedureVersion.Status.PUBLISHED, competent_agencies=agency, accepts_counter=True
            ).order_by("procedure__code")[:4]
        )
        if not versions or counter_officer is None:
            continue
        for index in range(per_agency):
            version = versions[index % len(versions)]
            case = version.cases.order_by("order", "pk").first()
            # Spread receipts over the last four weeks, at working moments.
            days_back = rng.randint(1, 28)
            moment = cal.next_working_moment(now - datetime.timedelta(days=days_back, hours=rng.randint(0, 6)))
            while moment >= now:  # loaded during a long break (Tết): step back until the moment is past
                days_back += 3
                moment = cal.next_working_moment(now - datetime.timedelta(days=days_back))
            try:
                dossier = services.receive_at_counter(
                    counter_officer,
                    procedure_version=version,
                    case=case,
                    applicant=synthetic_person(rng, created),
                    documents=_documents(version, case),
                    service_point=centre if agency.level.rank == 1 else None,
                    competent_agency=agency,
                    received_at=moment,
                )
            except services.DossierActionError:
                continue  # e.g. a procedure this agency does not receive at the counter
            scenario = SCENARIOS[index % len(SCENARIOS)]
            if version.fee_payable_at == "intake":
                _pay_at_counter(counter_officer, dossier, moment)
            try:
                _advance(dossier, scenario, moment, cal, admin, now, cashier=counter_officer)
            except (services.DossierActionError, _NotYet):
                pass  # the dossier stays where it got to, as in real life
            created += 1
    services.mark_overdue()
    return created
