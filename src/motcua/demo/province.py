"""The demo province "Tỉnh Sông Mây" (fictional, identifier H99 by default): levels, units with a
merger, agencies, service points with counters and opening hours, officers for every role, and a
procedure catalogue of about fifty procedures.

Idempotent: every row is keyed on its code (agency identifier, service point code, username,
procedure code) and created or brought back to the demo values, so a second run changes nothing.
Passwords are only set when an account is created, so re-running keeps changed passwords too.

Demo accounts are created only when asked (`with_accounts`), which `load_demo` does under DEBUG
or with `--demo`: a production database never gets a known password by accident.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from motcua.organization.codes import validate_agency_code
from .procedures import FIELDS, PROCEDURES
from .translations import FIELDS_EN, with_english
from motcua.organization.models import (
    AdministrativeLevel,
    AdministrativeUnit,
    Agency,
    Counter,
    CounterAssignment,
    OpeningHours,
    Role,
    RoleAssignment,
    ServicePoint,
    ServicePointName,
    StaffProfile,
)

DEMO_PASSWORD = "motcua-demo"
PROVINCE_SHORT_NAME = "Sông Mây"
PROVINCE_NAME = f"Tỉnh {PROVINCE_SHORT_NAME}"
REFORM_DAY = datetime.date(2025, 7, 1)  # two-level local government (districts abolished)
LAST_DAY_BEFORE_REFORM = REFORM_DAY - datetime.timedelta(days=1)
CATALOG_DECISION = "68/QĐ-UBND-DEMO"

PROVINCE_ADMIN_GROUP = "Quản trị cấp tỉnh"
CENTRE_MANAGER_GROUP = "Quản lý nơi tiếp nhận"


def province_code() -> str:
    return settings.MOTCUA_PROVINCE_CODE


def agency_code(prefix: str) -> str:
    """000.00.11 -> 000.00.11.H99 for the configured province."""
    return f"{prefix}.{province_code()}"


# --- levels and units --------------------------------------------------------------------------

LEVELS = [
    # code, name, rank, valid_from, valid_to
    ("tinh", "Cấp tỉnh", 1, None, None),
    ("huyen", "Cấp huyện", 2, None, LAST_DAY_BEFORE_REFORM),
    ("xa", "Cấp xã", 3, None, None),
]

UNITS = [
    # code, name, level, parent, successor, valid_from, valid_to
    ("99", PROVINCE_NAME, "tinh", None, None, None, None),
    ("999", "Huyện Ngàn Thông", "huyen", "99", None, None, LAST_DAY_BEFORE_REFORM),
    ("99901", "Phường Bến Đò", "xa", "99", None, None, None),
    ("99902", "Xã Đồi Chè", "xa", "99", None, None, None),
    ("99903", "Xã Suối Bạc", "xa", "99", None, REFORM_DAY, None),
    # Two communes of the old district merged into Xã Suối Bạc on 1 July 2025.
    ("99911", "Xã Thác Trắng", "xa", "999", "99903", None, LAST_DAY_BEFORE_REFORM),
    ("99912", "Xã Khe Bạc", "xa", "999", "99903", None, LAST_DAY_BEFORE_REFORM),
]


# --- agencies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    key: str
    prefix: str
    name: str
    short_name: str
    kind: str
    level: str = "tinh"
    unit: str = "99"
    parent: str | None = None
    valid_to: datetime.date | None = None
    valid_from: datetime.date | None = None


K = Agency.Kind
AGENCIES = [
    AgencySpec("ubnd_tinh", "000.00.00", f"Ủy ban nhân dân tỉnh {PROVINCE_SHORT_NAME}",
               "UBND tỉnh", K.PEOPLES_COMMITTEE),
    AgencySpec("vp_ubnd", "000.00.01", "Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh", K.OTHER,
               parent="ubnd_tinh"),
    AgencySpec("trung_tam", "000.00.02", "Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm PVHCC", K.DIVISION,
               parent="vp_ubnd"),
    AgencySpec("tu_phap", "000.00.11", "Sở Tư pháp", "Sở Tư pháp", K.DEPARTMENT),
    AgencySpec("xay_dung", "000.00.12", "Sở Xây dựng", "Sở Xây dựng", K.DEPARTMENT),
    AgencySpec("nnmt", "000.00.13", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", K.DEPARTMENT),
    AgencySpec("vpdk_dat_dai", "000.00.23", "Văn phòng Đăng ký đất đai tỉnh", "VP Đăng ký đất đai", K.DIVISION,
               parent="nnmt"),
    AgencySpec("tai_chinh", "000.00.14", "Sở Tài chính", "Sở Tài chính", K.DEPARTMENT),
    AgencySpec("cong_thuong", "000.00.15", "Sở Công Thương", "Sở Công Thương", K.DEPARTMENT),
    AgencySpec("y_te", "000.00.16", "Sở Y tế", "Sở Y tế", K.DEPARTMENT),
    AgencySpec("gddt", "000.00.17", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", K.DEPARTMENT),
    AgencySpec("noi_vu", "000.00.18", "Sở Nội vụ", "Sở Nội vụ", K.DEPARTMENT),
    AgencySpec("vhttdl", "000.00.19", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", K.DEPARTMENT),
    AgencySpec("khcn", "000.00.20", "Sở Khoa học và Công nghệ", "Sở KH&CN", K.DEPARTMENT),
    AgencySpec("dan_toc_ton_giao", "000.00.21", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", K.DEPARTMENT),
    AgencySpec("bql_kcn", "000.00.22", "Ban Quản lý các khu công nghiệp tỉnh", "BQL các KCN", K.BOARD),
    AgencySpec("cong_an", "000.00.31", "Công an tỉnh", "Công an tỉnh", K.VERTICAL),
    AgencySpec("bhxh", "000.00.32", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh", K.VERTICAL),
    AgencySpec("thue", "000.00.33", "Thuế tỉnh", "Thuế tỉnh", K.VERTICAL),
    AgencySpec("buu_dien", "000.00.34", "Bưu điện tỉnh", "Bưu điện tỉnh", K.VERTICAL),
    AgencySpec("ubnd_huyen", "000.00.40", "Ủy ban nhân dân huyện Ngàn Thông", "UBND huyện Ngàn Thông",
               K.PEOPLES_COMMITTEE, level="huyen", unit="999", valid_to=LAST_DAY_BEFORE_REFORM),
    AgencySpec("ubnd_ben_do", "000.01.01", "Ủy ban nhân dân phường Bến Đò", "UBND phường Bến Đò",
               K.PEOPLES_COMMITTEE, level="xa", unit="99901"),
    AgencySpec("ubnd_doi_che", "000.01.02", "Ủy ban nhân dân xã Đồi Chè", "UBND xã Đồi Chè",
               K.PEOPLES_COMMITTEE, level="xa", unit="99902"),
    AgencySpec("ubnd_suoi_bac", "000.01.03", "Ủy ban nhân dân xã Suối Bạc", "UBND xã Suối Bạc",
               K.PEOPLES_COMMITTEE, level="xa", unit="99903", valid_from=REFORM_DAY),
    AgencySpec("ubnd_thac_trang", "000.40.11", "Ủy ban nhân dân xã Thác Trắng", "UBND xã Thác Trắng",
               K.PEOPLES_COMMITTEE, level="xa", unit="99911", valid_to=LAST_DAY_BEFORE_REFORM),
]
AGENCY_BY_KEY = {spec.key: spec for spec in AGENCIES}
COMMUNE_KEYS = ["ubnd_ben_do", "ubnd_doi_che", "ubnd_suoi_bac"]  # in force today


def code_of(key: str) -> str:
    return agency_code(AGENCY_BY_KEY[key].prefix)


# --- service points, opening hours, counters -----------------------------------------------------

OFFICE_DAY = [(datetime.time(7, 0), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17, 0))]
SATURDAY_MORNING = [(datetime.time(7, 30), datetime.time(11, 30))]

# Decree 118/2025: from 1 July 2025 a commune's one-stop unit is its "Trung tâm Phục vụ hành chính
# công xã/phường"; before, its "Bộ phận Một cửa". The current name is the row's name, the old one a
# ServicePointName ending on 2025-06-30 (printouts of older dossiers keep it).
SERVICE_POINTS = [
    # code, name, kind, unit, host agency key, address, saturday morning?, name until 2025-06-30
    ("trung-tam-tinh", f"Trung tâm Phục vụ hành chính công tỉnh {PROVINCE_SHORT_NAME}", ServicePoint.Kind.PROVINCIAL_CENTRE,
     "99", "trung_tam", "Số 1 đường Hòa Bình, phường Bến Đò", True, None),
    ("mot-cua-ben-do", "Trung tâm Phục vụ hành chính công phường Bến Đò", ServicePoint.Kind.COMMUNE_UNIT, "99901",
     "ubnd_ben_do", "Số 5 đường Bến Đò, phường Bến Đò", False, "Bộ phận Một cửa phường Bến Đò"),
    ("mot-cua-doi-che", "Trung tâm Phục vụ hành chính công xã Đồi Chè", ServicePoint.Kind.COMMUNE_UNIT, "99902",
     "ubnd_doi_che", "Thôn Đồi Chè, xã Đồi Chè", False, "Bộ phận Một cửa xã Đồi Chè"),
    # Xã Suối Bạc was formed on 1 July 2025: it never had the old name.
    ("mot-cua-suoi-bac", "Trung tâm Phục vụ hành chính công xã Suối Bạc", ServicePoint.Kind.COMMUNE_UNIT, "99903",
     "ubnd_suoi_bac", "Thôn Suối Bạc, xã Suối Bạc", False, None),
]

COUNTERS = [
    # service point, number, name, agency keys
    ("trung-tam-tinh", 1, "Tư pháp", ["tu_phap"]),
    ("trung-tam-tinh", 2, "Xây dựng", ["xay_dung"]),
    ("trung-tam-tinh", 3, "Nông nghiệp và Môi trường - Đất đai", ["nnmt", "vpdk_dat_dai"]),
    ("trung-tam-tinh", 4, "Tài chính - Đăng ký doanh nghiệp", ["tai_chinh", "bql_kcn"]),
    ("trung-tam-tinh", 5, "Công Thương - Khoa học và Công nghệ", ["cong_thuong", "khcn"]),
    ("trung-tam-tinh", 6, "Y tế", ["y_te"]),
    ("trung-tam-tinh", 7, "Giáo dục và Đào tạo", ["gddt"]),
    ("trung-tam-tinh", 8, "Nội vụ - Dân tộc và Tôn giáo", ["noi_vu", "dan_toc_ton_giao"]),
    ("trung-tam-tinh", 9, "Văn hóa, Thể thao và Du lịch", ["vhttdl"]),
    ("trung-tam-tinh", 10, "Công an tỉnh", ["cong_an"]),
    ("trung-tam-tinh", 11, "Bảo hiểm xã hội - Thuế", ["bhxh", "thue"]),
    ("trung-tam-tinh", 12, "Bưu chính công ích", ["buu_dien"]),
    ("mot-cua-ben-do", 1, "Hộ tịch - Chứng thực", ["ubnd_ben_do"]),
    ("mot-cua-ben-do", 2, "Đất đai - Xây dựng - Kinh doanh", ["ubnd_ben_do"]),
    ("mot-cua-doi-che", 1, "Hộ tịch - Chứng thực", ["ubnd_doi_che"]),
    ("mot-cua-doi-che", 2, "Đất đai - Xây dựng - Kinh doanh", ["ubnd_doi_che"]),
    ("mot-cua-suoi-bac", 1, "Hộ tịch - Chứng thực", ["ubnd_suoi_bac"]),
    ("mot-cua-suoi-bac", 2, "Đất đai - Chính sách xã hội", ["ubnd_suoi_bac"]),
]


# --- officers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    title: str
    home: str | None
    roles: tuple = ()  # (role, agency key or None, service point code or None)
    counters: tuple = ()  # (service point code, counter number, agency key, official|backup)
    superuser: bool = False
    groups: tuple = field(default_factory=tuple)


R = Role
OFF, BAK = CounterAssignment.Kind.OFFICIAL, CounterAssignment.Kind.BACKUP
CENTRE = "trung-tam-tinh"

STAFF = [
    StaffSpec("admin", "Quản trị hệ thống", "Quản trị hệ thống", None, superuser=True),
    StaffSpec("quantri.tinh", "Lê Thị Minh Thư", "Chuyên viên Phòng Kiểm soát thủ tục hành chính", "vp_ubnd",
              roles=((R.PROVINCE_ADMIN, None, None),), groups=(PROVINCE_ADMIN_GROUP,)),
    StaffSpec("quanly.trungtam", "Trần Quốc Bảo", "Giám đốc Trung tâm", "trung_tam",
              roles=((R.CENTRE_MANAGER, None, CENTRE),), groups=(CENTRE_MANAGER_GROUP,)),
    StaffSpec("quanly.bendo", "Vũ Thị Hồng Nhung", "Phó Chủ tịch UBND phường", "ubnd_ben_do",
              roles=((R.CENTRE_MANAGER, None, "mot-cua-ben-do"),), groups=(CENTRE_MANAGER_GROUP,)),
    # Sở Tư pháp: official and backup counter staff, specialist, leader.
    # The postal worker who carries the centre's pick-ups, transfers and deliveries (postal app).
    StaffSpec("buuta.trungtam", "Lương Văn Phát", "Bưu tá, Bưu điện tỉnh", None,
              roles=((R.POSTAL_WORKER, None, CENTRE),)),
    StaffSpec("motcua.tuphap", "Nguyễn Thị Lan Anh", "Chuyên viên", "tu_phap",
              roles=((R.COUNTER_OFFICER, "tu_phap", None),), counters=((CENTRE, 1, "tu_phap", OFF),)),
    StaffSpec("motcua.tuphap2", "Phạm Văn Đức", "Chuyên viên", "tu_phap",
              roles=((R.COUNTER_OFFICER, "tu_phap", None),), counters=((CENTRE, 1, "tu_phap", BAK),)),
    StaffSpec("chuyenvien.tuphap", "Hoàng Thị Thu Trang", "Chuyên viên Phòng Hành chính tư pháp", "tu_phap",
              roles=((R.SPECIALIST, "tu_phap", None),)),
    StaffSpec("lanhdao.tuphap", "Đỗ Mạnh Hùng", "Phó Giám đốc Sở", "tu_phap", roles=((R.LEADER, "tu_phap", None),)),
    # Sở Nông nghiệp và Môi trường, with its land registration office.
    StaffSpec("motcua.datdai", "Bùi Văn Thắng", "Viên chức", "vpdk_dat_dai",
              roles=((R.COUNTER_OFFICER, "vpdk_dat_dai", None), (R.COUNTER_OFFICER, "nnmt", None)),
              counters=((CENTRE, 3, "vpdk_dat_dai", OFF), (CENTRE, 3, "nnmt", OFF))),
    StaffSpec("motcua.datdai2", "Ngô Thị Phương", "Viên chức", "vpdk_dat_dai",
              roles=((R.COUNTER_OFFICER, "vpdk_dat_dai", None),), counters=((CENTRE, 3, "vpdk_dat_dai", BAK),)),
    StaffSpec("chuyenvien.datdai", "Đặng Quang Huy", "Viên chức Phòng Đăng ký và Cấp giấy chứng nhận",
              "vpdk_dat_dai", roles=((R.SPECIALIST, "vpdk_dat_dai", None),)),
    StaffSpec("lanhdao.datdai", "Trịnh Văn Long", "Giám đốc Văn phòng Đăng ký đất đai", "vpdk_dat_dai",
              roles=((R.LEADER, "vpdk_dat_dai", None),)),
    StaffSpec("lanhdao.nnmt", "Lý Thị Hạnh", "Phó Giám đốc Sở", "nnmt", roles=((R.LEADER, "nnmt", None),)),
    # Sở Xây dựng and Sở Tài chính.
    StaffSpec("motcua.xaydung", "Cao Minh Tuấn", "Chuyên viên", "xay_dung",
              roles=((R.COUNTER_OFFICER, "xay_dung", None),), counters=((CENTRE, 2, "xay_dung", OFF),)),
    StaffSpec("chuyenvien.xaydung", "Mai Thị Ngọc", "Chuyên viên Phòng Quản lý xây dựng", "xay_dung",
              roles=((R.SPECIALIST, "xay_dung", None),)),
    StaffSpec("lanhdao.xaydung", "Tạ Đình Phong", "Phó Giám đốc Sở", "xay_dung", roles=((R.LEADER, "xay_dung", None),)),
    StaffSpec("motcua.taichinh", "Dương Thị Kim Oanh", "Chuyên viên", "tai_chinh",
              roles=((R.COUNTER_OFFICER, "tai_chinh", None),), counters=((CENTRE, 4, "tai_chinh", OFF),)),
    StaffSpec("chuyenvien.taichinh", "Lâm Văn Tài", "Chuyên viên Phòng Đăng ký kinh doanh", "tai_chinh",
              roles=((R.SPECIALIST, "tai_chinh", None),)),
    StaffSpec("lanhdao.taichinh", "Kiều Thị Mai", "Phó Giám đốc Sở", "tai_chinh",
              roles=((R.LEADER, "tai_chinh", None),)),
    # Vertical agencies: police (official + backup), tax, social insurance, post.
    StaffSpec("motcua.congan", "Hà Văn Quân", "Cán bộ", "cong_an",
              roles=((R.COUNTER_OFFICER, "cong_an", None),), counters=((CENTRE, 10, "cong_an", OFF),)),
    StaffSpec("motcua.congan2", "Tôn Thất Khang", "Cán bộ", "cong_an",
              roles=((R.COUNTER_OFFICER, "cong_an", None),), counters=((CENTRE, 10, "cong_an", BAK),)),
    StaffSpec("chuyenvien.congan", "Quách Thị Yến", "Cán bộ Phòng Cảnh sát giao thông", "cong_an",
              roles=((R.SPECIALIST, "cong_an", None),)),
    StaffSpec("lanhdao.congan", "Lục Văn Sơn", "Trưởng phòng", "cong_an", roles=((R.LEADER, "cong_an", None),)),
    StaffSpec("chuyenvien.thue", "Triệu Thị Bích", "Công chức Thuế", "thue",
              roles=((R.SPECIALIST, "thue", None), (R.COUNTER_OFFICER, "thue", None)),
              counters=((CENTRE, 11, "thue", OFF),)),
    StaffSpec("motcua.bhxh", "Giang Văn Lộc", "Viên chức", "bhxh",
              roles=((R.COUNTER_OFFICER, "bhxh", None),), counters=((CENTRE, 11, "bhxh", OFF),)),
    StaffSpec("buudien.tinh", "Đinh Thị Hương", "Nhân viên bưu điện", "buu_dien",
              roles=((R.COUNTER_OFFICER, "buu_dien", None),), counters=((CENTRE, 12, "buu_dien", OFF),)),
    # Commune one-stop units.
    StaffSpec("motcua.bendo", "Phan Thị Thảo", "Công chức Tư pháp - Hộ tịch", "ubnd_ben_do",
              roles=((R.COUNTER_OFFICER, "ubnd_ben_do", None),),
              counters=(("mot-cua-ben-do", 1, "ubnd_ben_do", OFF), ("mot-cua-ben-do", 2, "ubnd_ben_do", BAK))),
    StaffSpec("chuyenvien.bendo", "Võ Minh Khôi", "Công chức Địa chính - Xây dựng", "ubnd_ben_do",
              roles=((R.SPECIALIST, "ubnd_ben_do", None), (R.COUNTER_OFFICER, "ubnd_ben_do", None)),
              counters=(("mot-cua-ben-do", 2, "ubnd_ben_do", OFF),)),
    StaffSpec("lanhdao.bendo", "Châu Văn Nghĩa", "Chủ tịch UBND phường", "ubnd_ben_do",
              roles=((R.LEADER, "ubnd_ben_do", None),)),
    StaffSpec("motcua.doiche", "La Thị Duyên", "Công chức Văn phòng - Thống kê", "ubnd_doi_che",
              roles=((R.COUNTER_OFFICER, "ubnd_doi_che", None), (R.SPECIALIST, "ubnd_doi_che", None)),
              counters=(("mot-cua-doi-che", 1, "ubnd_doi_che", OFF), ("mot-cua-doi-che", 2, "ubnd_doi_che", OFF))),
    StaffSpec("lanhdao.doiche", "Nông Văn Thành", "Phó Chủ tịch UBND xã", "ubnd_doi_che",
              roles=((R.LEADER, "ubnd_doi_che", None),)),
    StaffSpec("motcua.suoibac", "Sầm Thị Liên", "Công chức Tư pháp - Hộ tịch", "ubnd_suoi_bac",
              roles=((R.COUNTER_OFFICER, "ubnd_suoi_bac", None),),
              counters=(("mot-cua-suoi-bac", 1, "ubnd_suoi_bac", OFF),)),
    StaffSpec("chuyenvien.suoibac", "Hứa Văn Bình", "Công chức Văn hóa - Xã hội", "ubnd_suoi_bac",
              roles=((R.SPECIALIST, "ubnd_suoi_bac", None), (R.COUNTER_OFFICER, "ubnd_suoi_bac", None)),
              counters=(("mot-cua-suoi-bac", 2, "ubnd_suoi_bac", OFF), ("mot-cua-suoi-bac", 1, "ubnd_suoi_bac", BAK))),
    StaffSpec("lanhdao.suoibac", "Mạc Thị Xuân", "Chủ tịch UBND xã", "ubnd_suoi_bac",
              roles=((R.LEADER, "ubnd_suoi_bac", None),)),
]


# --- loading -------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)

    def count(self, label: str, was_created: bool) -> None:
        if was_created:
            self.created[label] = self.created.get(label, 0) + 1


@transaction.atomic
def load_organization(report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    levels = {}
    for code, name, rank, valid_from, valid_to in LEVELS:
        levels[code], created = AdministrativeLevel.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank, "valid_from": valid_from, "valid_to": valid_to}
        )
        report.count("levels", created)

    units = {}
    # Successors first is not needed: units are saved without successor, then linked.
    for code, name, level, parent, _successor, valid_from, valid_to in UNITS:
        units[code], created = AdministrativeUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": levels[level],
                "parent": units.get(parent),
                "valid_from": valid_from,
                "valid_to": valid_to,
            },
        )
        report.count("units", created)
    for code, *_rest in UNITS:
        successor = units.get(_rest[3])
        if units[code].successor_id != (successor.pk if successor else None):
            units[code].successor = successor
            units[code].save(update_fields=["successor"])

    agencies = {}
    for spec in AGENCIES:
        code = agency_code(spec.prefix)
        validate_agency_code(code)
        agencies[spec.key], created = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "level": levels[spec.level],
                "administrative_unit": units[spec.unit],
                "parent": agencies.get(spec.parent),
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
            },
        )
        report.count("agencies", created)

    for code, name, kind, unit, host, address, saturday, former_name in SERVICE_POINTS:
        point, created = ServicePoint.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "administrative_unit": units[unit],
                "host_agency": agencies[host],
                "address": address,
            },
        )
        report.count("service points", created)
        if former_name:
            _name, created = ServicePointName.objects.update_or_create(
                service_point=point, valid_to=LAST_DAY_BEFORE_REFORM, defaults={"name": former_name, "valid_from": None}
            )
            report.count("former names", created)
        periods = [(day, opens, closes) for day in range(5) for opens, closes in OFFICE_DAY]
        if saturday:
            periods += [(5, opens, closes) for opens, closes in SATURDAY_MORNING]
        for weekday, opens, closes in periods:
            _hours, created = OpeningHours.objects.get_or_create(
                service_point=point, weekday=weekday, opens=opens, closes=closes
            )
            report.count("opening hours", created)

    for point_code, number, name, agency_keys in COUNTERS:
        counter, created = Counter.objects.update_or_create(
            service_point=ServicePoint.objects.get(code=point_code),
            number=number,
            defaults={"name": name, "is_active": True},
        )
        wanted = {agencies[key].pk for key in agency_keys}
        if set(counter.agencies.values_list("pk", flat=True)) != wanted:
            counter.agencies.set(wanted)
        report.count("counters", created)
    return report


def ensure_admin_groups() -> dict[str, Group]:
    """Django admin permissions for the two administrative roles (officers use the back office)."""
    from django.apps import apps

    managed = {"motcua.organization", "motcua.catalog", "motcua.calendar"}
    manage_apps = [config.label for config in apps.get_app_configs() if config.name in managed]
    province_perms = Permission.objects.filter(content_type__app_label__in=manage_apps) | Permission.objects.filter(
        content_type__app_label="auth", codename="view_user"
    )
    centre_codenames = [
        f"{action}_{model}"
        for model in ("counter", "counterassignment", "openinghours")
        for action in ("add", "change", "delete", "view")
    ] + ["change_servicepoint", "view_servicepoint", "view_agency", "view_staffprofile", "view_roleassignment"]
    centre_perms = Permission.objects.filter(content_type__app_label="organization", codename__in=centre_codenames)
    groups = {}
    for name, perms in [(PROVINCE_ADMIN_GROUP, province_perms), (CENTRE_MANAGER_GROUP, centre_perms)]:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = set(perms.values_list("pk", flat=True))
        if set(group.permissions.values_list("pk", flat=True)) != wanted:
            group.permissions.set(wanted)
        groups[name] = group
    return groups


def demo_phone(index: int) -> str:
    """Synthetic phone numbers in a block no operator uses for real subscribers in the demo."""
    return f"0999{index:06d}"


@transaction.atomic
def load_accounts(report: LoadReport | None = None, password: str = DEMO_PASSWORD) -> LoadReport:
    report = report or LoadReport()
    User = get_user_model()
    groups = ensure_admin_groups()
    agencies = {spec.key: Agency.objects.get(code=code_of(spec.key)) for spec in AGENCIES}
    points = {p.code: p for p in ServicePoint.objects.all()}
    for index, spec in enumerate(STAFF, start=1):
        family, _space, given = spec.full_name.rpartition(" ")
        user, created = User.objects.get_or_create(username=spec.username)
        wanted = {
            "first_name": given,
            "last_name": family,
            "email": f"{spec.username}@demo.motcua.invalid",
            "is_staff": True,  # officers sign in through /admin/login/ (the site's login page)
            "is_superuser": spec.superuser,
            "is_active": True,
        }
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if created:
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed if not created else None)
        report.count("users", created)
        for group_name in spec.groups:
            if not user.groups.filter(pk=groups[group_name].pk).exists():
                user.groups.add(groups[group_name])
        if spec.superuser:
            continue
        _profile, created = StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "full_name": spec.full_name,
                "title": spec.title,
                "home_agency": agencies.get(spec.home),
                "phone": demo_phone(index),
            },
        )
        report.count("staff profiles", created)
        for role, agency_key, point_code in spec.roles:
            _assignment, created = RoleAssignment.objects.get_or_create(
                user=user,
                role=role,
                agency=agencies.get(agency_key),
                service_point=points.get(point_code),
            )
            report.count("role assignments", created)
        for point_code, number, agency_key, kind in spec.counters:
            _assignment, created = CounterAssignment.objects.update_or_create(
                user=user,
                counter=Counter.objects.get(service_point=points[point_code], number=number),
                agency=agencies[agency_key],
                defaults={"kind": kind},
            )
            report.count("counter assignments", created)
    return report


# --- catalogue -----------------------------------------------------------------------------------


def _half_hours_floor(value: Decimal) -> Decimal:
    return (value * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


def _limit_hours(amount: Decimal, unit: str) -> Decimal:
    return amount if unit == "working_hours" else amount * 8


def default_steps(data: dict) -> list[dict]:
    """Receive, examine, approve, return: budgets that add up to the shortest limit of the procedure."""
    limits = [_limit_hours(data["time_limit"], data["time_limit_unit"])]
    limits += [_limit_hours(c["time_limit"], c["time_limit_unit"]) for c in data["cases"] if c["time_limit"] is not None]
    hours = min(limits)
    if data["is_same_day"]:
        hours = min(hours, Decimal("8"))
    commune = data["level"] == "xa"
    if hours <= 8:
        desk, leader = Decimal("0.5"), Decimal("1")
    else:
        desk = min(Decimal("4"), _half_hours_floor(hours * Decimal("0.1")))
        leader = _half_hours_floor(hours * Decimal("0.2"))
    examine = hours - 2 * desk - leader
    return [
        {"name": "Tiếp nhận hồ sơ", "role": Role.COUNTER_OFFICER.value,
         "unit": "Bộ phận Một cửa", "budget_hours": desk},
        {"name": "Thẩm định hồ sơ, dự thảo kết quả", "role": Role.SPECIALIST.value,
         "unit": "Công chức chuyên môn" if commune else "Phòng chuyên môn", "budget_hours": examine},
        {"name": "Phê duyệt, ký kết quả", "role": Role.LEADER.value,
         "unit": "Lãnh đạo UBND xã" if commune else "Lãnh đạo cơ quan", "budget_hours": leader},
        {"name": "Trả kết quả", "role": Role.COUNTER_OFFICER.value,
         "unit": "Bộ phận Một cửa", "budget_hours": desk},
    ]


def _agency_codes(keys) -> list[str]:
    codes = []
    for key in keys:
        codes += [code_of(k) for k in COMMUNE_KEYS] if key == "communes" else [code_of(key)]
    return codes


def procedure_code(data: dict) -> str:
    """Province variant code: national code + identifier of the (first) competent agency."""
    first = data["agencies"][0]
    owner = "ubnd_tinh" if first == "communes" else first
    return f"{data['national_code']}.{code_of(owner)}"


def procedure_arguments(data: dict) -> dict:
    """The keyword arguments of catalog.services.create_procedure for one demo procedure."""
    online = data["online_level"]
    steps = data["steps"] or default_steps(data)
    return with_english(data["national_code"], {
        "is_sensitive": data.get("is_sensitive", False),
        "field": data["field"],
        "levels": [data["level"]],
        "competent_agencies": _agency_codes(data["agencies"]),
        "receiving_agencies": _agency_codes(data["receiving"] or data["agencies"]),
        "cases": data["cases"],
        "documents": data["documents"],
        "fees": data["fees"],
        "steps": [{**s, "agency": code_of(s["agency"]) if s.get("agency") else None} for s in steps],
        "name": data["name"],
        "time_limit": data["time_limit"],
        "time_limit_unit": data["time_limit_unit"],
        "online_time_limit": data["online_time_limit"],
        "service_promise": data["service_promise"],
        "is_same_day": data["is_same_day"],
        "is_on_the_spot": data["is_on_the_spot"],
        "online_level": online,
        "legacy_online_level": {"full": 4, "partial": 3}.get(online, 2),
        "accepts_online": online != "none",
        "accepts_post": data["accepts_post"],
        "saturday_service": data["saturday_service"],
        "is_boundary_free": data["is_boundary_free"],
        "is_inter_agency": data["is_inter_agency"] or any(s.get("agency") for s in steps),
        "online_fee_discount_percent": data["online_fee_discount_percent"],
        "fee_payable_at": data["fee_payable_at"],
        "result_description": data["result_description"],
        "requirements": data.get("requirements", ""),
        "legal_basis": data["legal_basis"],
        "description": "Tổ chức, cá nhân nộp hồ sơ trực tiếp tại Bộ phận Một cửa, qua dịch vụ bưu chính công ích "
        "hoặc trực tuyến trên Cổng Dịch vụ công; nhận kết quả theo giấy hẹn.",
    })


@transaction.atomic
def load_catalog(report: LoadReport | None = None) -> LoadReport:
    """Fields, a publication decision and the procedures (existing procedure codes are left as they are:
    a published version is immutable, and a re-run must not create new versions)."""
    from motcua.catalog import services
    from motcua.catalog.models import Field, Procedure, PublicationDecision

    report = report or LoadReport()
    for code, name in FIELDS:
        defaults = {"name": name, "name_en": FIELDS_EN.get(code, "")}
        _field, created = Field.objects.update_or_create(code=code, defaults=defaults)
        report.count("fields", created)
    decision, created = PublicationDecision.objects.get_or_create(
        number=CATALOG_DECISION,
        defaults={
            "title": "Quyết định công bố Danh mục thủ tục hành chính thực hiện tại Trung tâm Phục vụ hành chính công "
            "và Bộ phận Một cửa cấp xã (dữ liệu minh họa)",
            "issuer": "Chủ tịch Ủy ban nhân dân tỉnh",
            "signed_on": datetime.date(2025, 6, 25),
            "effective_on": REFORM_DAY,
        },
    )
    report.count("decisions", created)
    existing = set(Procedure.objects.values_list("code", flat=True))
    for data in PROCEDURES:
        code = procedure_code(data)
        if code in existing:
            report.skipped.append(code)
            continue
        services.create_procedure(
            code, data["national_code"], publish=True, decision=decision, **procedure_arguments(data)
        )
        report.count("procedures", True)
    # The catalogue flag of sensitive procedures, also on a database loaded before it existed.
    sensitive = [procedure_code(data) for data in PROCEDURES if data.get("is_sensitive")]
    Procedure.objects.filter(code__in=sensitive, is_sensitive=False).update(is_sensitive=True)
    return report


def seed_calendar(stdout=None) -> bool:
    """Seed the working calendar for 2015-2035 (the seeds' periods and the demo's dossiers
    included), widened to last year and next year: the calendar answers for covered years only."""
    from django.core.management import call_command, get_commands
    from django.utils import timezone

    if "seed_calendar" not in get_commands():
        return False
    year = timezone.localdate().year
    kwargs = {"stdout": stdout} if stdout is not None else {}
    first, last = min(2015, year - 1), max(2035, year + 1)
    call_command("seed_calendar", "--from-year", str(first), "--to-year", str(last), **kwargs)
    return True
