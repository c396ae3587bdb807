"""The demo province's digital signatures: a local root CA (trusted by the verification page), a
PKCS#12 certificate per leader and a seal per agency with a leader, a remote-signing (simulated)
account for the justice department's leader, certificates for two commune counter officers who
certify copies, the certified copy fee, signed results on a few demo dossiers (one of them Hoa's,
so she sees it on her page) and a few certified copies. Loaded once, with the demo accounts.

The PKCS#12 password of every demo certificate is the demo password (`motcua-demo`)."""
from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from motcua.organization.models import Agency, Role, RoleAssignment
from motcua.signing import copies, setup
from motcua.signing.models import CopyFeeRate, SigningCredential, TrustAnchor

logger = logging.getLogger(__name__)

ROOT_NAME = "CA gốc minh họa tỉnh Sông Mây (demo)"
REMOTE_LEADER = "lanhdao.tuphap"
COPY_OFFICERS = ("motcua.suoibac", "motcua.bendo")


def _result_pdf(dossier: Dossier) -> bytes:
    """A two-page result standing for the agency's decision (demo data)."""
    import font_roboto
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", "", f"{font_roboto.font_directory}/Roboto-Regular.ttf")
    pdf.add_font("Roboto", "B", f"{font_roboto.font_directory}/Roboto-Bold.ttf")
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Roboto", "B", 12)
        pdf.multi_cell(0, 7, dossier.competent_agency.name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 7, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("Roboto", "B", 15)
        pdf.multi_cell(0, 9, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" if page == 1 else "PHỤ LỤC", align="C",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "", 11)
        lines = [f"Thủ tục: {dossier.procedure_version.name}", f"Mã hồ sơ: {dossier.code}",
                 f"Người nộp: {dossier.applicant_name}"] if page == 1 else [
            "Các nội dung kèm theo kết quả (minh họa).", f"Mã hồ sơ: {dossier.code}"]
        for line in [*lines, "", "Dữ liệu minh họa của tỉnh mẫu Sông Mây: người và giấy tờ không có thật."]:
            pdf.multi_cell(0, 7, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _leaders() -> list[RoleAssignment]:
    return list(RoleAssignment.objects.filter(role=Role.LEADER, user__username__startswith="lanhdao.")
                .select_related("user", "agency").order_by("user__username"))


def _position(user) -> str:
    return getattr(getattr(user, "staff_profile", None), "title", "") or ""


def _name(user) -> str:
    return getattr(getattr(user, "staff_profile", None), "full_name", "") or user.get_full_name() or user.username


def _just_before():
    """A moment in the past (a demo action never lies at or after now, even with a frozen clock)."""
    return timezone.now() - datetime.timedelta(minutes=2)


def _sign(dossier: Dossier, leader, credential, seal, password: str) -> bool:
    try:
        from motcua.signing import services as signing

        signing.sign_and_issue(leader, dossier, SimpleUploadedFile(f"{dossier.code}.pdf", _result_pdf(dossier)),
                               credential=credential, password=password, seal=seal, seal_password=password,
                               result_description=f"Kết quả: {dossier.procedure_version.name}"[:500],
                               at=_just_before())
        return True
    except DomainError as exc:
        logger.info("demo: result of %s not signed: %s", dossier.code, exc.messages[0])
        return False


def load_demo_signing(password: str | None = None) -> dict:
    """Once: nothing when the demo root exists or the demo leaders are missing."""
    from .province import DEMO_PASSWORD

    password = password or DEMO_PASSWORD
    if TrustAnchor.objects.filter(name=ROOT_NAME).exists():
        return {}
    leaders = _leaders()
    if not leaders:
        return {}
    created = {"signing certificates": 0, "signed results": 0, "certified copies": 0}
    with transaction.atomic():
        root = setup.local_root(ROOT_NAME, not_before=timezone.now() - datetime.timedelta(days=400))
        since = timezone.now() - datetime.timedelta(days=30)
        credentials, seals = {}, {}
        for assignment in leaders:
            user, agency = assignment.user, assignment.agency
            credentials[user.pk] = setup.pkcs12_credential(
                root, agency=agency, signer_name=_name(user), position=_position(user),
                password=password, holder=user, not_before=since)
            if agency.pk not in seals:
                seals[agency.pk] = setup.pkcs12_credential(root, agency=agency, signer_name=agency.name,
                                                           password=password, kind=SigningCredential.Kind.SEAL,
                                                           not_before=since)
            created["signing certificates"] += 1
        remote = next((a for a in leaders if a.user.username == REMOTE_LEADER), None)
        if remote is not None:
            setup.simulated_remote_credential(root, agency=remote.agency, signer_name=_name(remote.user),
                                              position=_position(remote.user), holder=remote.user,
                                              user_id=f"smartca-{remote.user.username}", not_before=since)
        copy_officers = {}
        for username in COPY_OFFICERS:
            user = get_user_model().objects.filter(username=username).first()
            assignment = RoleAssignment.objects.filter(user=user, role=Role.COUNTER_OFFICER).select_related(
                "agency").first() if user else None
            if assignment:
                copy_officers[username] = (user, assignment.agency, setup.pkcs12_credential(
                    root, agency=assignment.agency, signer_name=_name(user), position=_position(user),
                    password=password, holder=user, not_before=since))
        CopyFeeRate.objects.get_or_create(valid_from=datetime.date(2016, 7, 1), defaults={
            "first_pages": 2, "first_rate": 2000, "later_rate": 1000, "cap": 200000,
            "basis": "Mức thu phí chứng thực bản sao từ bản chính (dữ liệu mẫu, căn cứ chưa xác nhận)"})

    # Signed results: the last dossier in processing of up to four agencies whose leader holds a
    # certificate, where the agency has another one in processing (the first stays as it was: the
    # other demo parts and the test worlds pick the first one of an agency).
    by_agency = {a.agency_id: a.user for a in leaders}
    processing: dict[int, list[Dossier]] = {}
    for dossier in (Dossier.objects.filter(status=Status.PROCESSING, competent_agency_id__in=by_agency)
                    .select_related("competent_agency", "procedure_version").order_by("code")):
        processing.setdefault(dossier.competent_agency_id, []).append(dossier)
    signed_agencies, returned = 0, 0
    for agency_id, rows in sorted(processing.items()):
        if signed_agencies >= 4 or len(rows) < 2:
            continue
        dossier = rows[-1]
        if services.fee_owed(dossier) and dossier.procedure_version.fee_payable_at == "before_result":
            continue
        leader = by_agency[agency_id]
        if _sign(dossier, leader, credentials[leader.pk], seals.get(agency_id), password):
            signed_agencies += 1
            created["signed results"] += 1
            dossier.refresh_from_db()
            if returned < 2 and not services.fee_owed(dossier):
                try:
                    services.return_result(_counter_of(dossier) or leader, dossier,
                                           at=_just_before() + datetime.timedelta(minutes=1))
                    returned += 1
                except DomainError:
                    pass
    created["signed results"] += _hoa_signed_result(credentials, seals, password)
    # The marital status certificate procedure issues signed results only.
    ProcedureVersion.objects.filter(procedure__national_code="9.000106",
                                    status=ProcedureVersion.Status.PUBLISHED).update(requires_signed_result=True)
    created["certified copies"] = _copies(copy_officers, password)
    return {k: v for k, v in created.items() if v}


def _counter_of(dossier: Dossier):
    assignment = (RoleAssignment.objects.filter(agency=dossier.receiving_agency_id or dossier.competent_agency_id,
                                                role=Role.COUNTER_OFFICER).select_related("user")
                  .order_by("user__username").first())
    return assignment.user if assignment else None


def _hoa_signed_result(credentials, seals, password) -> int:
    """Hoa's certificate of marital status at Xã Suối Bạc, applied online, signed by the commune's
    chair: she downloads it, signed, from her page and checks it on the verification page."""
    from .dossiers import (
        DEMO_CITIZENS, _applicant, _case, _pay_at_counter, _uploaded_documents, _version, demo_citizen_accounts,
        demo_pdf,
    )
    from .province import DEMO_PASSWORD, code_of

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["motcua.suoibac",
                                                                                   "lanhdao.suoibac"])}
    if len(users) < 2 or users["lanhdao.suoibac"].pk not in credentials:
        return 0
    hoa = demo_citizen_accounts(DEMO_PASSWORD)[0]
    suoi_bac = Agency.objects.get(code=code_of("ubnd_suoi_bac"))
    version = _version("9.000106")
    if Dossier.objects.filter(account=hoa, procedure_version=version).exists():
        return 0
    now = timezone.now()
    try:
        with transaction.atomic():
            moment = now - datetime.timedelta(hours=3)
            files = [("to-khai-xac-nhan-tinh-trang-hon-nhan.pdf", demo_pdf(
                "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", [f"Người yêu cầu: {DEMO_CITIZENS[0].full_name}",
                                                                   "Mục đích: đăng ký kết hôn"]))]
            dossier = services.submit_online(
                hoa, procedure_version=version, case=_case(version), applicant=_applicant(DEMO_CITIZENS[0]),
                documents=_uploaded_documents(version, _case(version), files, moment), account=hoa, competent_agency=suoi_bac, receiving_agency=suoi_bac,
                submitted_at=moment)
            dossier = services.accept_online(users["motcua.suoibac"], dossier, at=now - datetime.timedelta(hours=2))
            _pay_at_counter(users["motcua.suoibac"], dossier, now - datetime.timedelta(hours=1))
            dossier.refresh_from_db()
            return int(_sign(dossier, users["lanhdao.suoibac"], credentials[users["lanhdao.suoibac"].pk],
                             seals.get(suoi_bac.pk), password))
    except DomainError as exc:
        logger.info("demo: Hoa's signed result not made: %s", exc.messages[0])
        return 0


def _copies(copy_officers: dict, password: str) -> int:
    from .dossiers import DEMO_CITIZENS, demo_pdf

    made = 0
    for username, (user, agency, credential) in copy_officers.items():
        hoa = DEMO_CITIZENS[0]
        try:
            copies.certify_paper_copy(user, agency=agency, document_title="Sổ hộ khẩu (bản giấy)", pages=4, copies=2,
                                      requester_name="Trần Văn Minh", at=_just_before())
            copies.certify_electronic_copy(
                user, agency=agency, scan=SimpleUploadedFile("ban-chinh.pdf", demo_pdf(
                    "Giấy khai sinh (bản chính, bản quét)", [f"Họ và tên: {hoa.full_name}",
                                                             f"Ngày sinh: {hoa.birth_date:%d/%m/%Y}"])),
                document_title="Giấy khai sinh", requester_name=hoa.full_name,
                requester_id_number=hoa.citizen_id if username == "motcua.suoibac" else "",
                credential=credential, password=password, at=_just_before())
            made += 2
        except DomainError as exc:
            logger.info("demo: certified copies at %s not made: %s", agency.code, exc.messages[0])
    return made
