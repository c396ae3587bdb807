"""Demo dossiers: a few weeks of counter work in the demo province, made through the dossier
engine's own commands (so every row, step and event is what real use would produce).

Only loaded once (when the province has no dossiers yet) and only with the demo accounts, since
every action needs an officer. Moments are in the past, on the legal calendar, so the work
queues show dossiers due today, this week, overdue, waiting for a supplement and finished.

On top of that, "a day at the centre" (`load_demo_day`): two demo citizen accounts (synthetic
people, the demo password) whose online dossiers wait in the online intake tab of the counter
officers of Xã Suối Bạc and Sở Tư pháp (with uploaded files, one already opened by an officer,
so the access log has an entry), dossiers handed to a unit without naming an officer (the
unassigned tab of chuyenvien.suoibac and chuyenvien.tuphap), and results waiting to be handed
back, one with a fee still owed. Loaded once, when the demo citizens have no dossier yet.
"""
import datetime
import random
import struct
import zlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
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


def _point_of(agency: Agency):
    """The service point hosted by the agency (a commune's one-stop unit), if any."""
    return ServicePoint.objects.filter(host_agency=agency).order_by("pk").first()


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
    """Create the demo dossiers: a few weeks of counter work if the province has none yet, and the
    day's online dossiers of the demo citizens if they have none yet. Returns how many were created."""
    created = 0 if Dossier.objects.exists() else _load_counter_work(per_agency, seed)
    created += load_demo_day()
    return created


def _load_counter_work(per_agency: int, seed: int) -> int:
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
                    service_point=centre if agency.level.rank == 1 else _point_of(agency),
                    # A commune's counter receives for its own commune (every commune receives a
                    # commune-level procedure; the engine would otherwise take the first one).
                    receiving_agency=agency if agency.level.rank > 1 else None,
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


# --- a day at the centre: the demo citizens, online intake, unassigned, results to hand back ------


@dataclass(frozen=True)
class CitizenSpec:
    """A demo citizen account (synthetic person): signs in on the portal with the phone number."""

    full_name: str
    citizen_id: str
    birth_date: datetime.date
    phone: str
    email: str
    address: str
    commune: str  # where the person lives, for the logins table
    verified_by: str = ""  # the counter officer who saw the ID card ("": the ID is only declared)


DEMO_CITIZENS = [
    CitizenSpec("Đinh Thị Hoa", "025192004521", datetime.date(1992, 4, 15), "0999000901",
                "hoa.dinh@demo.motcua.invalid", "Thôn Suối Bạc, xã Suối Bạc, tỉnh Sông Mây", "Xã Suối Bạc",
                verified_by="motcua.suoibac"),
    CitizenSpec("Lương Văn Tiến", "026085007734", datetime.date(1985, 9, 2), "0999000902",
                "tien.luong@demo.motcua.invalid", "Số 12 đường Bến Đò, phường Bến Đò, tỉnh Sông Mây", "Phường Bến Đò"),
]


def demo_citizen_accounts(password: str) -> list:
    """The demo citizens' users, created with `password` when missing (keyed on the phone: a
    re-run changes nothing, and keeps a changed password)."""
    from motcua.accounts import services as accounts
    from motcua.accounts.models import AccountKind, CitizenAccount

    users = []
    for spec in DEMO_CITIZENS:
        account = CitizenAccount.objects.filter(phone=spec.phone).select_related("user").first()
        if account is None:
            account = accounts.sign_up(
                {"kind": AccountKind.PERSON, "full_name": spec.full_name, "citizen_id": spec.citizen_id,
                 "birth_date": spec.birth_date, "phone": spec.phone, "email": spec.email, "address": spec.address},
                password,
            )
            officer = get_user_model().objects.filter(username=spec.verified_by).first() if spec.verified_by else None
            if officer is not None:  # her results and scans reach her data store; Tiến's ID stays declared
                account = accounts.verify_at_counter(officer, account, spec.citizen_id)
        accounts.trust_contacts(account)  # demo numbers reach no one: no code to type (a no-op once done)
        users.append(account.user)
    return users


def _applicant(spec: CitizenSpec) -> dict:
    return {"kind": "person", "name": spec.full_name, "id_number": spec.citizen_id, "birth_date": spec.birth_date,
            "phone": spec.phone, "email": spec.email, "address": spec.address}


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF standing for a scanned form (Vietnamese text, marked as demo data)."""
    import font_roboto
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", "", f"{font_roboto.font_directory}/Roboto-Regular.ttf")
    pdf.add_page()
    pdf.set_font("Roboto", size=16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", size=11)
    for line in [*lines, "", "Dữ liệu minh họa của tỉnh mẫu Sông Mây: người và giấy tờ không có thật."]:
        pdf.multi_cell(0, 7, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def demo_png(width: int = 240, height: int = 150) -> bytes:
    """A small PNG standing for a photographed identity card: a pale card with a darker band."""
    rows = []
    for y in range(height):
        shade = (40, 90, 160) if y < height // 4 else (235, 238, 242)
        row = bytearray([0])  # filter: none
        for x in range(width):
            photo = height // 3 < y < height - 20 and 16 < x < 76
            row += bytes((150, 150, 150) if photo else shade)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


def _upload(name: str, data: bytes, moment) -> str:
    """Store a file where the portal files uploads of dossiers; returns its storage name."""
    return default_storage.save(f"dossiers/{moment:%Y/%m}/{name}", ContentFile(data))


class _Clock:
    """Past working moments for the day's scenarios: `day(n, hour)` is n working days before
    today at that hour (always before now, even during Tết: it counts working days back), and
    `later(moment, hours)` adds working hours, refusing anything not in the past."""

    def __init__(self, cal, now):
        self.cal, self.now = cal, now

    def day(self, working_days_back: int, hour: int, minute: int = 0):
        day = timezone.localdate(self.now)
        count = 0
        while count < working_days_back:
            day -= datetime.timedelta(days=1)
            if self.cal.is_working_day(day):
                count += 1
        naive = datetime.datetime.combine(day, datetime.time(hour, minute))
        moment = self.cal.next_working_moment(timezone.make_aware(naive, timezone.get_current_timezone()))
        if moment >= self.now:
            raise _NotYet
        return moment

    def later(self, moment, hours):
        when = self.cal.add(moment, hours, "working_hours")
        if when >= self.now:
            raise _NotYet
        return when


def _version(national_code: str) -> ProcedureVersion:
    return ProcedureVersion.objects.get(status=ProcedureVersion.Status.PUBLISHED,
                                        procedure__national_code=national_code)


def _case(version, order: int = 0):
    cases = list(version.cases.order_by("order", "pk"))
    return cases[order] if cases else None


def _uploaded_documents(version, case, files: list[tuple[str, bytes]], moment) -> list[dict]:
    """Every document of the version and case, each with one of `files` uploaded (in turn)."""
    from motcua.dossiers.models import DossierDocument

    documents = _documents(version, case)
    for index, entry in enumerate(documents):
        name, data = files[index % len(files)]
        entry.update(digitization=DossierDocument.Digitization.DIGITISED, file=_upload(name, data, moment))
    return documents


def _file_in_store(user, dossier) -> None:
    """As the portal does: each uploaded file joins its owner's data store."""
    from motcua.documents import services as store
    from motcua.documents.models import Source

    for document in dossier.documents.all():
        store.store_dossier_document(user, document, source=Source.UPLOAD)


@transaction.atomic
def load_demo_day(password: str | None = None) -> int:
    """The day's dossiers (module docstring), once: nothing when the demo citizens already have
    dossiers or the demo officers are missing. Returns how many dossiers were created."""
    from motcua.documents import services as store

    from .province import DEMO_PASSWORD, code_of

    users = {u.username: u for u in get_user_model().objects.filter(username__in=[
        "motcua.suoibac", "chuyenvien.suoibac", "lanhdao.suoibac", "motcua.tuphap", "chuyenvien.tuphap",
        "lanhdao.tuphap"])}
    if len(users) < 6:
        return 0
    hoa_spec, tien_spec = DEMO_CITIZENS
    hoa, tien = demo_citizen_accounts(password or DEMO_PASSWORD)
    if Dossier.objects.filter(account__in=[hoa, tien]).exists():
        return 0
    suoi_bac, tu_phap = Agency.objects.get(code=code_of("ubnd_suoi_bac")), Agency.objects.get(code=code_of("tu_phap"))
    commune_point = _point_of(suoi_bac)
    centre = ServicePoint.objects.filter(kind=ServicePoint.Kind.PROVINCIAL_CENTRE).order_by("pk").first()
    clock = _Clock(legal_calendar(), timezone.localtime())
    rng = random.Random(1804)
    before = Dossier.objects.count()

    def step(action):
        """One scenario, wholly or not at all: a moment that would lie in the future, or an action the
        engine refuses, leaves it out (anything else is a bug and stops the loader)."""
        try:
            with transaction.atomic():
                action()
        except (_NotYet, services.DossierActionError):
            pass

    # 1. Xã Suối Bạc, online intake: Hoa's birth registration with its files; the counter officer
    #    has already opened the declaration (the access log's entry).
    def birth_online():
        version = _version("9.000101")
        case = _case(version)
        moment = clock.day(1, 14)
        files = [("to-khai-dang-ky-khai-sinh.pdf", demo_pdf("Tờ khai đăng ký khai sinh", [
            "Người yêu cầu: Đinh Thị Hoa", "Họ, chữ đệm và tên người được đăng ký khai sinh: Phạm Gia An",
            "Nơi sinh: Trạm Y tế xã Suối Bạc"])), ("giay-chung-sinh.png", demo_png())]
        dossier = services.submit_online(
            hoa, procedure_version=version, case=case, applicant=_applicant(hoa_spec),
            documents=_uploaded_documents(version, case, files, moment), account=hoa,
            competent_agency=suoi_bac, receiving_agency=suoi_bac, submitted_at=moment,
        )
        _file_in_store(hoa, dossier)
        first = dossier.documents.order_by("pk").first()
        store.record_opening(users["motcua.suoibac"], dossier, document=first, at=clock.later(moment, 1))


    # 2. Sở Tư pháp, online intake: Hoa asks for a criminal record certificate (fee still owed,
    #    paid once the dossier is accepted); the counter officer opened the identity card photo.
    def record_online():
        version = _version("9.000301")
        case = _case(version)
        moment = clock.day(2, 9, 30)
        files = [("to-khai-ly-lich-tu-phap.pdf", demo_pdf("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", [
            "Người yêu cầu: Đinh Thị Hoa", "Mục đích: bổ sung hồ sơ xin việc"])),
            ("can-cuoc-cong-dan.png", demo_png())]
        dossier = services.submit_online(
            hoa, procedure_version=version, case=case, applicant=_applicant(hoa_spec),
            documents=_uploaded_documents(version, case, files, moment), account=hoa,
            competent_agency=tu_phap, submitted_at=moment,
        )
        _file_in_store(hoa, dossier)
        photo = dossier.documents.order_by("pk")[1]
        store.record_opening(users["motcua.tuphap"], dossier, document=photo, at=clock.later(moment, 2))


    # 3. Xã Suối Bạc, unassigned: a certificate of marital status received at the counter, the fee
    #    paid, handed to the commune's specialists without naming anyone.
    def marital_unassigned():
        version = _version("9.000106")
        moment = clock.day(1, 8)
        dossier = services.receive_at_counter(
            users["motcua.suoibac"], procedure_version=version, applicant=synthetic_person(rng, 901),
            documents=_documents(version, None), service_point=commune_point, receiving_agency=suoi_bac,
            competent_agency=suoi_bac, received_at=moment,
        )
        _pay_at_counter(users["motcua.suoibac"], dossier, clock.later(moment, 0.25))
        dossier.refresh_from_db()
        services.hand_over(users["motcua.suoibac"], dossier, at=clock.later(moment, 0.5))


    # 4. Sở Tư pháp, unassigned: Tiến's online criminal record request, accepted, handed to the
    #    specialists without naming anyone; its fee is still owed (he pays online from his page).
    def record_unassigned():
        version = _version("9.000301")
        case = _case(version)
        moment = clock.day(3, 15)
        files = [("to-khai-ly-lich-tu-phap.pdf", demo_pdf("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", [
            "Người yêu cầu: Lương Văn Tiến", "Mục đích: định cư"]))]
        dossier = services.submit_online(
            tien, procedure_version=version, case=case, applicant=_applicant(tien_spec),
            documents=_uploaded_documents(version, case, files, moment), account=tien,
            competent_agency=tu_phap, submitted_at=moment,
        )
        _file_in_store(tien, dossier)
        accepted = services.accept_online(users["motcua.tuphap"], dossier, at=clock.later(moment, 1))
        services.hand_over(users["motcua.tuphap"], accepted, at=clock.later(moment, 1.5))


    # 5. Xã Suối Bạc, a result to hand back with its fee owed (payable at return): Hoa's building
    #    permit for a house, applied online, examined and signed by named officers.
    def permit_resolved_owing():
        version = _version("9.000702")
        case = _case(version)
        moment = clock.day(8, 9)
        files = [("don-de-nghi-cap-giay-phep-xay-dung.pdf", demo_pdf("Đơn đề nghị cấp giấy phép xây dựng", [
            "Chủ đầu tư: Đinh Thị Hoa", "Công trình: nhà ở riêng lẻ 2 tầng, thôn Suối Bạc"])),
            ("ban-ve-mat-bang.png", demo_png())]
        dossier = services.submit_online(
            hoa, procedure_version=version, case=case, applicant=_applicant(hoa_spec),
            documents=_uploaded_documents(version, case, files, moment), account=hoa,
            competent_agency=suoi_bac, receiving_agency=suoi_bac, submitted_at=moment,
            return_channel="counter", service_point=commune_point,
        )
        _file_in_store(hoa, dossier)
        row = services.accept_online(users["motcua.suoibac"], dossier, at=clock.later(moment, 1))
        row = services.hand_over(users["motcua.suoibac"], row, to_officer=users["chuyenvien.suoibac"],
                                 at=clock.later(moment, 1.5))
        row = services.hand_over(users["chuyenvien.suoibac"], row, to_officer=users["lanhdao.suoibac"],
                                 at=clock.later(moment, 30))
        services.resolve(users["lanhdao.suoibac"], row, result_description="Giấy phép xây dựng nhà ở riêng lẻ",
                         at=clock.later(moment, 36))


    # 6. Sở Tư pháp, a result to hand back with nothing owed: a criminal record certificate
    #    received at the counter (fee paid at intake), examined and signed.
    def record_resolved_paid():
        version = _version("9.000301")
        case = _case(version)
        moment = clock.day(7, 8, 30)
        dossier = services.receive_at_counter(
            users["motcua.tuphap"], procedure_version=version, case=case, applicant=synthetic_person(rng, 902),
            documents=_documents(version, case), service_point=centre, competent_agency=tu_phap, received_at=moment,
        )
        _pay_at_counter(users["motcua.tuphap"], dossier, clock.later(moment, 0.25))
        row = Dossier.objects.get(pk=dossier.pk)
        row = services.hand_over(users["motcua.tuphap"], row, to_officer=users["chuyenvien.tuphap"],
                                 at=clock.later(moment, 0.5))
        row = services.hand_over(users["chuyenvien.tuphap"], row, to_officer=users["lanhdao.tuphap"],
                                 at=clock.later(moment, 24))
        services.resolve(users["lanhdao.tuphap"], row, result_description="Phiếu lý lịch tư pháp số 1",
                         at=clock.later(moment, 30))


    for scenario in (permit_resolved_owing, record_resolved_paid, record_unassigned, marital_unassigned,
                     record_online, birth_online):
        step(scenario)
    services.mark_overdue()
    return Dossier.objects.count() - before
