"""motcua's dossier as the national portal's record (`HoSoDongBoDVC` shape) and its events as
progress rows. Pure functions of the rows: no call, no write.

Moments are the portal's `yyyyMMddHHmmss` in local time (Asia/Ho_Chi_Minh). Statuses are mapped
in one table (`STATUS`): the portal's 1 "receiving" (mới đăng ký, waiting to be received) is
motcua's 1 NEW, its 2 "new" (được tiếp nhận, received and new in processing) motcua's 2 RECEIVED;
every other status has the same meaning and number. Unlike some senders we keep 5, 6 and 8 as
they are (never rewritten as 9).
"""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.dossiers.models import Channel, Dossier, DossierDocument, PartyKind, ResultKind, ReturnChannel, Status
from motcua.dossiers.transitions import EVENT_LABELS

# motcua status -> the portal's TrangThaiHoSo. Explicit on purpose: a change to either list must
# change this table and its test (tests/test_mapping.py).
STATUS = {
    Status.NEW: 1,                 # receiving: submitted online, not yet received
    Status.RECEIVED: 2,            # new: received
    Status.NOT_RECEIVED: 3,        # denied
    Status.PROCESSING: 4,          # processing
    Status.WAITING_SUPPLEMENT: 5,  # waiting (supplement)
    Status.WAITING_PAYMENT: 6,     # paying
    Status.WITHDRAWN: 7,           # cancelled
    Status.STOPPED: 8,             # unresolved
    Status.RESOLVED: 9,            # releasing
    Status.RETURNED: 10,           # done
}
CHANNEL = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3}
RETURN = {ReturnChannel.COUNTER: 1, ReturnChannel.ONLINE: 2, ReturnChannel.POST: 3}
# LoaiDinhDanh: 1 personal identification number (CCCD, 12 digits), 2 old ID card (9 digits),
# 3 enterprise / tax code.
ID_PERSONAL, ID_OLD_CARD, ID_BUSINESS = "1", "2", "3"
# DuocTaiSuDung: 0 no, 1 re-used from a stored document, 2 re-used from an earlier result.
REUSE = {DossierDocument.Digitization.REUSED_DOCUMENT: 1, DossierDocument.Digitization.REUSED_RESULT: 2}
# Kinds of event that change nothing the portal shows (the sweep's flags): not sent.
SKIPPED_KINDS = frozenset({"overdue", "step_overdue"})


def moment(value) -> str:
    """A datetime as the portal's `yyyyMMddHHmmss` local time; "" for none."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def national_status(status: int | None) -> int:
    return STATUS[Status(int(status))]


def identifiers(kind: str, number: str) -> list[dict]:
    number = (number or "").strip()
    if not number:
        return []
    if kind == PartyKind.BUSINESS:
        kind_code = ID_BUSINESS
    else:
        kind_code = ID_OLD_CARD if len(number) == 9 else ID_PERSONAL
    return [{"LoaiDinhDanh": kind_code, "SoDinhDanh": number}]


def document_code(dossier: Dossier, document) -> str:
    """A stable code of the procedure's document (its national procedure code and order); ""
    for a document outside the list (e.g. a supplement)."""
    required = document.required_document
    return f"{dossier.procedure.national_code}.TP{required.order:02d}" if required else ""


def _actor(event, dossier: Dossier) -> tuple[str, str]:
    """(who, their title): an officer's name and title; the applicant for their own online actions;
    the named system (a payment gateway) or "System"."""
    user = event.actor
    if user is None:
        return (event.payload or {}).get("system", "") or _("System"), ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        return profile.full_name, profile.title
    if dossier.account_id and user.pk == dossier.account_id:
        return dossier.applicant_name, _("Applicant")
    return user.get_full_name() or user.get_username(), ""


def _vneid(dossier: Dossier) -> int:
    account = getattr(dossier.account, "citizen_account", None) if dossier.account_id else None
    return 1 if account is not None and account.identity_source == "oidc" else 0


def record(dossier: Dossier, *, fees=None, documents=None) -> dict:
    """The dossier record. `fees`/`documents` may be given pre-fetched (the sender's batch)."""
    if documents is None:
        documents = list(dossier.documents.select_related("required_document"))
    # The procedure's order, then supplements (rows of one receipt have no reliable key order).
    documents = sorted(documents, key=lambda d: (d.is_supplement, d.required_document.order if d.required_document
                                                 else 10**4, d.name, d.pk))
    if fees is None:
        fees = fee_lines(dossier)
    owner_kind = dossier.owner_kind if not dossier.owner_same_as_applicant else dossier.applicant_kind
    owner_name = dossier.owner_name if not dossier.owner_same_as_applicant else dossier.applicant_name
    owner_id = dossier.owner_id_number if not dossier.owner_same_as_applicant else dossier.applicant_id_number
    results = []
    if dossier.result_kind:
        results.append({
            "MaGiayToKetQua": f"{dossier.code}-KQ",
            "TenGiayToKetQua": dossier.result_description,
            "DuongDanTepTinKetQua": dossier.result_file.name if dossier.result_kind == ResultKind.ELECTRONIC
            and dossier.result_file else "",
        })
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.national_code,
        "TenTTHC": dossier.procedure_version.name,
        "MaLinhVuc": dossier.field.code,
        "TenLinhVuc": dossier.field.name,
        "KenhThucHien": CHANNEL[Channel(dossier.channel_in)],
        "ChuHoSo": owner_name,
        "LoaiDoiTuong": 2 if owner_kind == PartyKind.BUSINESS else 1,
        "DinhDanhCHS": identifiers(owner_kind, owner_id),
        "NguoiNop": dossier.applicant_name,
        "DinhDanhNguoiNop": identifiers(dossier.applicant_kind, dossier.applicant_id_number),
        "NgayNopHoSo": moment(dossier.submitted_at),
        "NgayTiepNhan": moment(dossier.received_at),
        "NgayHenTra": moment(dossier.due_at),
        "NgayKetThucXuLy": moment(dossier.finished_at),
        "NgayTra": moment(dossier.returned_at),
        "TrangThaiHoSo": national_status(dossier.status),
        "HinhThuc": RETURN.get(dossier.return_channel, 1),
        "DonViXuLy": (dossier.competent_agency.code if dossier.competent_agency_id else ""),
        "TenDonViXuLy": (dossier.competent_agency.name if dossier.competent_agency_id else ""),
        "TaiLieuNop": [
            {
                "MaThanhPhanHoSo": document_code(dossier, d),
                "TenTaiLieu": d.name,
                "DuongDanTaiTepTin": d.file.name if d.file else "",
                "DuocSoHoa": 1 if d.digitization else 0,
                "DuocTaiSuDung": REUSE.get(d.digitization, 0),
            }
            for d in documents
        ],
        "DanhSachLePhi": fees,
        "TongLePhi": int(dossier.fee_due),
        "DaThanhToan": int(dossier.fee_paid),
        "DanhSachGiayToKetQua": results,
        "DuocThanhToanTrucTuyen": 1 if dossier.paid_online else 0,
        "TaiKhoanDuocXacThucVoiVNeID": _vneid(dossier),
    }


def fee_lines(dossier: Dossier) -> list[dict]:
    """The fee lines of the dossier's procedure version (those of its case, and the general ones)."""
    wanted = Q(case__isnull=True) | Q(case_id=dossier.case_id) if dossier.case_id else Q(case__isnull=True)
    return [{"TenPhiLePhi": f.name, "MucPhi": int(f.amount), "LoaiPhiLePhi": 1 if f.kind == "fee" else 2}
            for f in dossier.procedure_version.fees.filter(wanted).order_by("pk")]


def _step_at(steps, at):
    """The step the dossier was in at `at`: the last one started at or before it."""
    current = None
    for step in steps:
        if step.started_at <= at:
            current = step
    return current


def progress_row(event, dossier: Dossier, steps, at=None) -> dict:
    """One progress row (TienTrinh) for an event. `at`: the outbox row's moment (unique per dossier
    and status to the second), else the event's. The text is Vietnamese whatever the language of
    the request that sends it."""
    step = _step_at(steps, event.at)
    status = event.to_status if event.to_status is not None else dossier.status
    # The due moment of the step in hand, else of the dossier (none before it is received).
    due = (step.due_at if step and step.due_at else None) or (dossier.due_at if status != Status.NEW else None)
    with translation.override("vi"):
        label = str(EVENT_LABELS.get(event.kind, event.kind))
        who, title = _actor(event, dossier)
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": who,
        "ChucDanh": title,
        "ThoiDiemXuLy": moment(at or event.at),
        "PhongBanXuLy": (step.unit if step else "") or "",
        "BuocXuLy": (step.name if step else "") or "",
        "NoiDungXuLy": label,
        "TrangThai": national_status(status),
        "NgayBatDau": moment(step.started_at) if step else "",
        "NgayKetThucTheoQuyDinh": moment(due),
    }
