"""English texts of the demo catalogue (seed 000 section 3d: procedures published in foreign languages).

The demo publishes in English the field names and the procedures with the most dossiers in the
demo data (counted on a loaded demo: the judicial record, the four commune civil status
procedures, first tax registration, the environmental permit and impact assessment, the two social
insurance procedures and the judicial record for the courts). Every other procedure stays in
Vietnamese only, as most of a real province's catalogue would, so the portal shows both kinds.

Texts are keyed by their Vietnamese wording: a procedure listed in TRANSLATED gets the English
twin of its name, result, requirements, description, cases, documents, fees, exemptions and steps;
`with_english(..., missing=[])` collects any Vietnamese text of those procedures without an English
twin (a test keeps the list empty).
"""
from __future__ import annotations

FIELDS_EN = {
    "ho-tich": "Civil status registration",
    "chung-thuc": "Certification of copies and signatures",
    "ly-lich-tu-phap": "Judicial records",
    "dat-dai": "Land",
    "dang-ky-bien-phap-bao-dam": "Registration of security interests",
    "moi-truong": "Environment",
    "hoat-dong-xay-dung": "Construction",
    "thanh-lap-doanh-nghiep": "Establishment and operation of enterprises",
    "ho-kinh-doanh": "Establishment and operation of household businesses",
    "duong-bo": "Road transport",
    "dang-ky-xe": "Vehicle registration",
    "cu-tru": "Residence registration",
    "luu-thong-hang-hoa": "Domestic trade in goods",
    "kham-benh-chua-benh": "Medical examination and treatment",
    "duoc-pham": "Pharmaceuticals",
    "giao-duc-trung-hoc": "Secondary education",
    "van-bang-chung-chi": "Diplomas and certificates",
    "nguoi-co-cong": "People with meritorious services to the revolution",
    "thi-dua-khen-thuong": "Emulation and commendation",
    "ton-giao": "Religion",
    "van-hoa": "Culture",
    "du-lich": "Tourism",
    "khoa-hoc-cong-nghe": "Science and technology activities",
    "bao-hiem-xa-hoi": "Social insurance and health insurance",
    "quan-ly-thue": "Tax administration",
}

# Procedure names by national code.
TRANSLATED = {
    "9.000101": "Birth registration",
    "9.000102": "Marriage registration",
    "9.000103": "Death registration",
    "9.000104": "Issuance of copies of civil status extracts",
    "9.000301": "Issuance of judicial record certificates to Vietnamese citizens and to foreigners residing "
    "in Viet Nam",
    "9.000302": "Issuance of judicial record certificates at the request of agencies conducting legal proceedings",
    "9.000601": "Issuance of environmental permits (provincial level)",
    "9.000602": "Appraisal of environmental impact assessment reports",
    "9.002301": "Reissue or replacement of health insurance cards",
    "9.002302": "Sickness benefit claims",
    "9.002401": "First-time tax registration for individuals",
}

# Every other text of the translated procedures: results, requirements, the common description,
# cases, documents, fees and their descriptions, exemptions, process steps.
TEXTS_EN = {
    # results
    "Giấy khai sinh (bản chính), trích lục khai sinh điện tử":
        "Birth certificate (original) and electronic birth registration extract",
    "Giấy chứng nhận kết hôn": "Marriage certificate",
    "Trích lục khai tử": "Death registration extract",
    "Bản sao trích lục hộ tịch": "Copy of the civil status extract",
    "Phiếu lý lịch tư pháp số 1 hoặc số 2": "Judicial record certificate No. 1 or No. 2",
    "Giấy phép môi trường": "Environmental permit",
    # requirements and conditions
    "Cha, mẹ hoặc người thân thích đăng ký khai sinh cho trẻ trong thời hạn 60 ngày kể từ ngày sinh.":
        "The father, the mother or another relative registers the child's birth within 60 days of the birth.",
    "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi; việc kết hôn do hai bên tự nguyện quyết định; không thuộc "
    "trường hợp cấm kết hôn.":
        "The man is at least 20 and the woman at least 18 years old; both decide to marry of their own free "
        "will; the marriage is not one that the law prohibits.",
    "Người thân thích đăng ký khai tử trong thời hạn 15 ngày kể từ ngày người đó chết.":
        "A relative registers the death within 15 days of it.",
    "Người yêu cầu cấp Phiếu lý lịch tư pháp từ đủ 14 tuổi trở lên.":
        "The applicant for a judicial record certificate is at least 14 years old.",
    # the description every demo procedure shares
    "Tổ chức, cá nhân nộp hồ sơ trực tiếp tại Bộ phận Một cửa, qua dịch vụ bưu chính công ích hoặc trực tuyến "
    "trên Cổng Dịch vụ công; nhận kết quả theo giấy hẹn.":
        "Individuals and organisations submit the dossier in person at the one-stop unit, through the public "
        "postal service or online on the public service portal, and receive the result on the date given in "
        "the appointment slip.",
    # cases
    "Đăng ký khai sinh đúng hạn": "Birth registered within the time limit",
    "Đăng ký khai sinh quá hạn": "Late birth registration",
    "Kết hôn giữa công dân Việt Nam cư trú trong nước": "Marriage between Vietnamese citizens residing in Viet Nam",
    "Trường hợp cần xác minh": "Cases that need verification",
    "Trường hợp thông thường": "Ordinary case",
    "Người đã cư trú ở nhiều nơi hoặc phải xác minh":
        "Applicant who has lived in several places, or whose record must be verified",
    "Dự án không phải vận hành thử nghiệm": "Project without trial operation",
    "Dự án phải vận hành thử nghiệm công trình xử lý chất thải":
        "Project whose waste treatment works must be trial-operated",
    # documents
    "Căn cước công dân hoặc giấy tờ tùy thân có ảnh (xuất trình)":
        "Citizen identity card or another identity document with a photo (to be shown)",
    "Tờ khai đăng ký khai sinh": "Birth registration form",
    "Giấy chứng sinh hoặc văn bản của người làm chứng":
        "Certificate of birth from the hospital or midwife, or a written statement by a witness",
    "Tờ khai đăng ký kết hôn": "Marriage registration form",
    "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký tại nơi khác nơi cư trú)":
        "Certificate of marital status (if you register away from your place of residence)",
    "Tờ khai đăng ký khai tử": "Death registration form",
    "Giấy báo tử hoặc giấy tờ thay giấy báo tử": "Death notice, or a document that replaces it",
    "Tờ khai cấp bản sao trích lục hộ tịch": "Application form for a copy of a civil status extract",
    "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp": "Application form for a judicial record certificate",
    "Bản chụp giấy tờ tùy thân": "Photocopy of an identity document",
    "Bản chụp giấy tờ chứng minh nơi thường trú hoặc tạm trú":
        "Photocopy of a document proving permanent or temporary residence",
    "Văn bản yêu cầu cấp Phiếu lý lịch tư pháp của cơ quan tiến hành tố tụng":
        "Written request for a judicial record certificate from the agency conducting the proceedings",
    "Văn bản đề nghị cấp giấy phép môi trường": "Application letter for an environmental permit",
    "Báo cáo đề xuất cấp giấy phép môi trường": "Environmental permit application report",
    "Văn bản đề nghị thẩm định": "Request for appraisal",
    "Báo cáo đánh giá tác động môi trường": "Environmental impact assessment report",
    "Báo cáo nghiên cứu khả thi của dự án": "Feasibility study report of the project",
    "Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế":
        "Form for joining social and health insurance or updating your insurance details",
    "Giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội": "Certificate of sick leave with social insurance benefit",
    "Danh sách đề nghị giải quyết hưởng chế độ": "List of employees claiming the benefit",
    "Tờ khai đăng ký thuế": "Tax registration form",
    # fees and their descriptions
    "Lệ phí đăng ký khai sinh quá hạn": "Charge for late birth registration",
    "Phí cấp bản sao trích lục hộ tịch": "Fee for a copy of a civil status extract",
    "8.000 đồng/bản": "VND 8,000 per copy",
    "Phí cung cấp thông tin lý lịch tư pháp": "Fee for providing judicial record information",
    "Phí thẩm định cấp giấy phép môi trường": "Appraisal fee for an environmental permit",
    "Phí thẩm định báo cáo đánh giá tác động môi trường":
        "Appraisal fee for an environmental impact assessment report",
    # who is exempted
    "Người thuộc hộ nghèo, hộ cận nghèo": "Members of poor and near-poor households",
    "Người có công với cách mạng và thân nhân": "People with meritorious services to the revolution and their relatives",
    "Người khuyết tật": "People with disabilities",
    "Trẻ em dưới 16 tuổi": "Children under 16",
    "Người cao tuổi": "Elderly people",
    "Học sinh, sinh viên": "Pupils and students",
    # process steps (the demo's default ones)
    "Tiếp nhận hồ sơ": "Receive the dossier",
    "Thẩm định hồ sơ, dự thảo kết quả": "Examine the dossier and draft the result",
    "Phê duyệt, ký kết quả": "Approve and sign the result",
    "Trả kết quả": "Return the result",
}

VERSION_TEXTS = {"description": "description_en", "requirements": "requirements_en",
                 "result_description": "result_description_en"}


def _english(text: str, missing: list[str]) -> str:
    if not text:
        return ""
    if text not in TEXTS_EN:
        missing.append(text)
        return ""
    return TEXTS_EN[text]


def with_english(national_code: str, arguments: dict, missing: list[str] | None = None) -> dict:
    """`arguments` for catalog.services.create_procedure, with the English columns filled when the
    procedure is one of TRANSLATED (new dicts: the demo data itself is left as it is)."""
    if national_code not in TRANSLATED:
        return arguments
    missing = [] if missing is None else missing
    result = dict(arguments, name_en=TRANSLATED[national_code])
    for field, column in VERSION_TEXTS.items():
        result[column] = _english(arguments.get(field, ""), missing)
    result["cases"] = [dict(c, name_en=_english(c["name"], missing)) for c in arguments.get("cases", [])]
    result["documents"] = [dict(d, name_en=_english(d["name"], missing)) for d in arguments.get("documents", [])]
    result["steps"] = [dict(s, name_en=_english(s["name"], missing)) for s in arguments.get("steps", [])]
    result["fees"] = [
        dict(f, name_en=_english(f["name"], missing), description_en=_english(f.get("description", ""), missing),
             exemptions=[dict(e, beneficiary_en=_english(e["beneficiary"], missing)) for e in f.get("exemptions", [])])
        for f in arguments.get("fees", [])
    ]
    return result
