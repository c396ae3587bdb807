"""Write the national procedure database simulator's sample (50 procedures, synthetic) from the demo
catalogue: 30 demo procedures as the national database would publish them (8 of them changed since
the demo's version), 17 procedures the demo lacks, and 3 records with the free text real records
carry (a fee "Không", a time limit in words, a record without a name).

Run once when the demo catalogue changes: `DEBUG=1 .venv/bin/python scripts/make_national_catalogue_sample.py`.
The province code in agency identifiers is written as H99 and replaced by the configured one when
the simulator loads the file.
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ["MOTCUA_PROVINCE_CODE"] = "H99"

import django  # noqa: E402

django.setup()

from motcua.demo import procedures as demo  # noqa: E402
from motcua.demo.province import AGENCY_BY_KEY, _agency_codes, code_of  # noqa: E402

OUT = ROOT / "src/motcua/integrations/procedures/fixtures/national_catalogue.json"
FIELDS = dict(demo.FIELDS)
LEVEL = {"tinh": "Cấp Tỉnh", "xa": "Cấp Xã", "huyen": "Cấp Huyện"}
UNIT = {"working_days": "Ngày làm việc", "working_hours": "Giờ làm việc", "calendar_days": "Ngày"}
NEW_DECISION = {"SOQD": "125/QĐ-BTP-DEMO", "TRICHYEU": "Quyết định công bố thủ tục hành chính được sửa đổi, bổ sung "
                "(dữ liệu minh họa)", "NGAYBANHANH": "20/12/2025", "NGAYHIEULUC": "15/01/2026",
                "COQUANBANHANH": "Bộ Tư pháp"}
DEMO_DECISION = {"SOQD": "68/QĐ-UBND-DEMO", "TRICHYEU": "Quyết định công bố Danh mục thủ tục hành chính (dữ liệu "
                 "minh họa)", "NGAYBANHANH": "25/06/2025", "NGAYHIEULUC": "01/07/2025",
                 "COQUANBANHANH": "Chủ tịch Ủy ban nhân dân tỉnh"}


def number(value) -> str:
    return format(value.normalize(), "f") if value is not None else ""


def case_name(data, code):
    return next((c["name"] for c in data["cases"] if c["code"] == code), "") if code else ""


def record(data) -> dict:
    agencies = _agency_codes(data["agencies"])
    kenh_time = {"THOIGIANGIAIQUYET": number(data["time_limit"]), "DONVITINH": UNIT[data["time_limit_unit"]],
                 "MOTA": "Giải quyết trong ngày" if data["is_same_day"] else ""}
    fees = [{"LOAIPHI": "Phí" if f["kind"] == "fee" else "Lệ phí", "TENPHI": f["name"], "SOTIEN": str(f["amount"]),
             "DONVI": "Đồng", "MOTA": f["description"], "TRUONGHOP": case_name(data, f["case"])} for f in data["fees"]]
    channels = [{"KENH": "Trực tiếp", "THOIGIAN": [kenh_time], "PHILEPHI": fees}]
    if data["online_level"] != "none":
        online = dict(kenh_time)
        if data["online_time_limit"] is not None:
            online["THOIGIANGIAIQUYET"] = number(data["online_time_limit"])
        channels.append({"KENH": "Trực tuyến", "THOIGIAN": [online], "PHILEPHI": fees})
    if data["accepts_post"]:
        channels.append({"KENH": "Dịch vụ bưu chính", "THOIGIAN": [kenh_time], "PHILEPHI": fees})
    return {
        "MATTHC": data["national_code"],
        "TENTTHC": data["name"],
        "MALINHVUC": data["field"],
        "TENLINHVUC": FIELDS[data["field"]],
        "CAPTHUCHIEN": [LEVEL[data["level"]]],
        "COQUANTHUCHIEN": [{"MADONVI": code, "TENDONVI": ""} for code in agencies],
        "DOITUONGTHUCHIEN": "Công dân Việt Nam; Tổ chức, doanh nghiệp",
        "MUCDO": {"full": "Toàn trình", "partial": "Một phần"}.get(data["online_level"], ""),
        "CACHTHUCTHUCHIEN": channels,
        "THANHPHANHOSO": [
            {"MAGIAYTO": f"GT{i:02d}", "TENGIAYTO": d["name"], "SOBANCHINH": str(d["originals"]),
             "SOBANSAO": str(d["certified_copies"] + d["copies"]), "TENMAUDON": d["form_name"],
             "URL": f"https://csdl.dichvucong.example/bieumau/{data['national_code']}/{i}.docx" if d["form_name"] else "",
             "TRUONGHOP": case_name(data, d["case"])}
            for i, d in enumerate(data["documents"], start=1)],
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": data["result_description"]}] if data["result_description"] else [],
        "CANCUPHAPLY": [{"SOVANBAN": "", "TENVANBAN": data["legal_basis"], "NGAYBANHANH": ""}] if data["legal_basis"] else [],
        "QUYETDINHCONGBO": [DEMO_DECISION],
    }


def changed(rec, kind):
    """Eight kinds of change the national database publishes, one per procedure."""
    rec["QUYETDINHCONGBO"] = [DEMO_DECISION, NEW_DECISION]
    channels = rec["CACHTHUCTHUCHIEN"]
    if kind == 0:  # shorter time limit
        for channel in channels:
            for time in channel["THOIGIAN"]:
                value = int(float(time["THOIGIANGIAIQUYET"]))
                time["THOIGIANGIAIQUYET"] = str(value - 2 if value > 2 else value + 1)
    elif kind == 1:  # a fee raised
        fees = channels[0]["PHILEPHI"] or [{"LOAIPHI": "Lệ phí", "TENPHI": "Lệ phí", "SOTIEN": "0", "DONVI": "Đồng",
                                           "MOTA": "", "TRUONGHOP": ""}]
        fees[0]["SOTIEN"] = str(int(fees[0]["SOTIEN"]) + 20000)
        for channel in channels:
            channel["PHILEPHI"] = fees
    elif kind == 2:  # a document added
        rec["THANHPHANHOSO"].append({"MAGIAYTO": "GT99", "TENGIAYTO": "Văn bản ủy quyền (trường hợp nộp thay)",
                                     "SOBANCHINH": "1", "SOBANSAO": "0", "TENMAUDON": "", "URL": "", "TRUONGHOP": ""})
    elif kind == 3:  # a document dropped
        rec["THANHPHANHOSO"] = rec["THANHPHANHOSO"][:-1]
    elif kind == 4:  # renamed
        rec["TENTTHC"] = rec["TENTTHC"] + " (sửa đổi)"
    elif kind == 5:  # new legal basis
        rec["CANCUPHAPLY"].append({"SOVANBAN": "Nghị định số 118/2025/NĐ-CP", "TENVANBAN": "về thực hiện thủ tục "
                                   "hành chính theo cơ chế một cửa, một cửa liên thông", "NGAYBANHANH": "09/06/2025"})
    elif kind == 6:  # a form renamed
        for doc in rec["THANHPHANHOSO"]:
            doc["TENMAUDON"] = (doc["TENMAUDON"] or "Mẫu đơn") + " (mẫu mới)"
            break
    elif kind == 7:  # the result renamed
        rec["KETQUATHUCHIEN"] = [{"MAKETQUA": "KQ01", "TENKETQUA": "Văn bản chấp thuận (bản điện tử có chữ ký số)"}]
    return rec


NEW_NAMES = [
    ("tu_phap", "ho-tich", "Cấp bản sao trích lục hộ tịch", "2"),
    ("tu_phap", "chung-thuc", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan nước ngoài cấp", "2"),
    ("xay_dung", "hoat-dong-xay-dung", "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II", "20"),
    ("xay_dung", "hoat-dong-xay-dung", "Điều chỉnh giấy phép xây dựng công trình", "15"),
    ("nnmt", "moi-truong", "Cấp giấy phép môi trường (cấp tỉnh)", "30"),
    ("nnmt", "dat-dai", "Đăng ký biến động quyền sử dụng đất do đổi tên", "10"),
    ("tai_chinh", "thanh-lap-doanh-nghiep", "Đăng ký thay đổi người đại diện theo pháp luật của công ty", "3"),
    ("tai_chinh", "thanh-lap-doanh-nghiep", "Thông báo tạm ngừng kinh doanh", "3"),
    ("cong_thuong", "luu-thong-hang-hoa", "Cấp giấy phép bán lẻ rượu", "10"),
    ("y_te", "kham-benh-chua-benh", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "20"),
    ("y_te", "duoc-pham", "Cấp chứng chỉ hành nghề dược", "10"),
    ("gddt", "van-bang-chung-chi", "Chỉnh sửa nội dung văn bằng, chứng chỉ", "5"),
    ("noi_vu", "thi-dua-khen-thuong", "Tặng Bằng khen của Chủ tịch UBND tỉnh theo đợt", "20"),
    ("vhttdl", "du-lich", "Cấp thẻ hướng dẫn viên du lịch nội địa", "15"),
    ("khcn", "khoa-hoc-cong-nghe", "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ", "7"),
    ("dan_toc_ton_giao", "ton-giao", "Đăng ký sinh hoạt tôn giáo tập trung", "20"),
    ("bql_kcn", "thanh-lap-doanh-nghiep", "Cấp giấy chứng nhận đăng ký đầu tư trong khu công nghiệp", "15"),
]


def new_record(i, key, field, name, limit) -> dict:
    agency = code_of(key)
    fee = {"LOAIPHI": "Lệ phí", "TENPHI": f"Lệ phí {name[0].lower()}{name[1:]}", "SOTIEN": str(50000 + 10000 * i),
           "DONVI": "Đồng", "MOTA": "", "TRUONGHOP": ""}
    time = {"THOIGIANGIAIQUYET": limit, "DONVITINH": "Ngày làm việc", "MOTA": ""}
    return {
        "MATTHC": f"9.0099{i:02d}", "TENTTHC": name, "MALINHVUC": field, "TENLINHVUC": FIELDS[field],
        "CAPTHUCHIEN": ["Cấp Tỉnh"], "COQUANTHUCHIEN": [{"MADONVI": agency, "TENDONVI": AGENCY_BY_KEY[key].name}],
        "DOITUONGTHUCHIEN": "Công dân Việt Nam; Tổ chức, doanh nghiệp", "MUCDO": "Một phần",
        "TRINHTUTHUCHIEN": "Bước 1: Nộp hồ sơ tại Trung tâm Phục vụ hành chính công tỉnh hoặc trực tuyến.\n"
                           "Bước 2: Cơ quan có thẩm quyền thẩm định và trả kết quả.",
        "CACHTHUCTHUCHIEN": [
            {"KENH": "Trực tiếp", "THOIGIAN": [time], "PHILEPHI": [fee]},
            {"KENH": "Trực tuyến", "THOIGIAN": [time], "PHILEPHI": [fee]},
            {"KENH": "Dịch vụ bưu chính", "THOIGIAN": [time], "PHILEPHI": [fee]},
        ],
        "THANHPHANHOSO": [
            {"MAGIAYTO": "GT01", "TENGIAYTO": f"Đơn đề nghị {name[0].lower()}{name[1:]}", "SOBANCHINH": "1",
             "SOBANSAO": "0", "TENMAUDON": "Mẫu số 01", "URL": f"https://csdl.dichvucong.example/bieumau/9.0099{i:02d}/1.docx",
             "TRUONGHOP": ""},
            {"MAGIAYTO": "GT02", "TENGIAYTO": "Giấy tờ chứng minh nhân thân hoặc tư cách pháp nhân", "SOBANCHINH": "0",
             "SOBANSAO": "1", "TENMAUDON": "", "URL": "", "TRUONGHOP": ""},
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": "KQ01", "TENKETQUA": "Văn bản chấp thuận hoặc văn bản trả lời"}],
        "CANCUPHAPLY": [{"SOVANBAN": "Nghị định số 118/2025/NĐ-CP", "TENVANBAN": "về thực hiện thủ tục hành chính theo "
                         "cơ chế một cửa, một cửa liên thông", "NGAYBANHANH": "09/06/2025"}],
        "QUYETDINHCONGBO": [NEW_DECISION],
    }


def main():
    existing = demo.PROCEDURES[:30]
    records = [record(data) for data in existing]
    for kind, index in enumerate((1, 4, 7, 10, 13, 16, 19, 22)):
        changed(records[index], kind)
    records += [new_record(i, *item) for i, item in enumerate(NEW_NAMES, start=1)]
    assert len({r["MATTHC"] for r in records}) == len(records), "duplicate national codes"
    assert not {r["MATTHC"] for r in records[30:]} & {p["national_code"] for p in demo.PROCEDURES}, "new code in demo"
    # Free text as real records carry it: a warning to review, never a crash.
    bad_fee = new_record(18, "tu_phap", "chung-thuc", "Chứng thực chữ ký người dịch", "1")
    for channel in bad_fee["CACHTHUCTHUCHIEN"]:
        channel["PHILEPHI"] = [{"LOAIPHI": "Lệ phí", "TENPHI": "Lệ phí chứng thực", "SOTIEN": "Không", "DONVI": "",
                                "MOTA": "", "TRUONGHOP": ""}]
    bad_time = new_record(19, "nnmt", "moi-truong", "Thẩm định báo cáo đánh giá tác động môi trường", "30")
    for channel in bad_time["CACHTHUCTHUCHIEN"]:
        channel["THOIGIAN"] = [{"THOIGIANGIAIQUYET": "Ba mươi ngày", "DONVITINH": "", "MOTA": "kể từ ngày nhận đủ hồ sơ"}]
    nameless = new_record(20, "xay_dung", "hoat-dong-xay-dung", "Cấp phép di dời công trình", "10")
    del nameless["TENTTHC"]
    records += [bad_fee, bad_time, nameless]
    assert len(records) == 50, len(records)
    listing = [{"MATTHC": r["MATTHC"], "TENTTHC": r.get("TENTTHC", ""), "MALINHVUC": r["MALINHVUC"]} for r in records]
    OUT.write_text(json.dumps({"madonvi": code_of("ubnd_tinh"), "danhsach": listing, "thutuc": records},
                              ensure_ascii=False, indent=1) + "\n")
    print(f"{len(records)} procedures written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
