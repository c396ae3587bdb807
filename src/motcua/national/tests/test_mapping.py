"""The record and progress mapping: the status table, the portal's moments, identifiers, a business."""
import datetime
from zoneinfo import ZoneInfo

from motcua.dossiers import services as s
from motcua.dossiers.models import Status
from motcua.national import mapping
from motcua.testing.world import MONDAY, at, documents_for


def test_status_table_is_explicit_and_complete():
    # motcua's list -> the portal's TrangThaiHoSo: 1 receiving (submitted online, not yet received),
    # 2 new (received), 3 denied, 4 processing, 5 waiting, 6 paying, 7 cancelled, 8 unresolved,
    # 9 releasing, 10 done. 5, 6 and 8 are never rewritten as 9.
    assert {int(k): v for k, v in mapping.STATUS.items()} == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 10: 10}
    assert set(mapping.STATUS) == set(Status)
    assert [mapping.national_status(s) for s in (Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT, Status.STOPPED)] == [5, 6, 8]


def test_moments_are_local_yyyymmddhhmmss():
    utc = datetime.datetime(2026, 3, 1, 17, 30, 5, tzinfo=datetime.timezone.utc)
    assert mapping.moment(utc) == "20260302003005"  # 00:30:05 on 2 March in Hà Nội
    assert mapping.moment(datetime.datetime(2026, 3, 2, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))) == "20260302080000"
    assert mapping.moment(None) == ""


def test_identifiers():
    assert mapping.identifiers("person", "038190012345") == [{"LoaiDinhDanh": "1", "SoDinhDanh": "038190012345"}]
    assert mapping.identifiers("person", "123456789") == [{"LoaiDinhDanh": "2", "SoDinhDanh": "123456789"}]
    assert mapping.identifiers("business", "0101234567-001") == [{"LoaiDinhDanh": "3", "SoDinhDanh": "0101234567-001"}]
    assert mapping.identifiers("person", "") == []


def test_business_by_post_for_a_person_owner(world):
    business = {"kind": "business", "name": "Công ty TNHH Thử Nghiệm", "id_number": "0101234567001",
                "address": "Khu công nghiệp Số 1"}
    d = s.receive_by_post(world["counter"], procedure_version=world["version"], applicant=business,
                          documents=documents_for(world, skip=(2,)), received_at=MONDAY)
    record = mapping.record(d)
    assert (record["KenhThucHien"], record["HinhThuc"], record["LoaiDoiTuong"], record["ChuHoSo"]) == (
        3, 3, 2, "Công ty TNHH Thử Nghiệm")
    assert record["DinhDanhCHS"] == [{"LoaiDinhDanh": "3", "SoDinhDanh": "0101234567-001"}]
    assert (record["TrangThaiHoSo"], record["NgayTiepNhan"], record["NgayKetThucXuLy"]) == (2, "20260302080000", "")
    assert [(doc["MaThanhPhanHoSo"], doc["DuocSoHoa"]) for doc in record["TaiLieuNop"]] == [
        ("1.004227.TP01", 1), ("1.004227.TP02", 1)]
    assert record["DanhSachLePhi"] == [{"TenPhiLePhi": "Lệ phí đăng ký", "MucPhi": 50000, "LoaiPhiLePhi": 2}]
    assert (record["DuocThanhToanTrucTuyen"], record["TaiKhoanDuocXacThucVoiVNeID"]) == (0, 0)


def test_progress_row_of_a_hand_over(receive, world):
    d = receive()
    d = s.hand_over(world["counter"], d, to_officer=world["specialist"], at=at(2026, 3, 2, 10))
    event = d.events.get(kind="hand_over")
    row = mapping.progress_row(event, d, list(d.steps.all()))
    assert row == {
        "MaHoSo": d.code, "NguoiXuLy": "counter", "ChucDanh": "", "ThoiDiemXuLy": "20260302100000",
        "PhongBanXuLy": "Phòng Đăng ký đất đai", "BuocXuLy": "Thẩm định hồ sơ", "NoiDungXuLy": "Chuyển xử lý",
        "TrangThai": 4, "NgayBatDau": "20260302100000",
        "NgayKetThucTheoQuyDinh": mapping.moment(d.steps.get(order=2).due_at),
    }
