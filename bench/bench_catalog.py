"""Benchmark: catalogue search over 5,000 procedures (ORM and public API), plus bulk import.

    .venv/bin/python bench/bench_catalog.py [--procedures 5000] [--seconds 3] [--no-write]

Configures Django itself (motcua.settings_test). The data go into a throwaway test database:
a temporary SQLite file by default, or `test_<name>` on the server of DATABASE_URL (e.g.
postgres://postgres@127.0.0.1:5432/motcua_bench). Generated procedures are loaded through the
catalogue importer (import_export.import_tables), a further 100 through services.create_procedure.
Prints the figures and writes them between the markers of docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings_test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from performance_doc import replace_section  # noqa: E402 (bench/ is the script's folder)

START, END = "<!-- bench:catalog -->", "<!-- /bench:catalog -->"
QUERIES = [
    "dang ky khai sinh",
    "giay phep xay dung",
    "cap lai giay phep lai xe",
    "Đăng ký kết hôn có yếu tố nước ngoài",
    "quyen su dung dat",
    "1.000123",
    "thu hoi",
    "khong co thu tuc nay",
]
VERBS = ["Đăng ký", "Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Xác nhận", "Chứng thực",
         "Thẩm định", "Phê duyệt", "Công nhận"]
OBJECTS = ["khai sinh", "kết hôn", "khai tử", "giấy phép xây dựng", "quyền sử dụng đất", "giấy phép lái xe",
           "hộ kinh doanh", "giấy chứng nhận đầu tư", "giấy phép kinh doanh vận tải", "chứng chỉ hành nghề",
           "biến động đất đai", "thay đổi hộ tịch", "giấy phép môi trường", "con dấu", "nhãn hiệu hàng hóa"]
QUALIFIERS = ["", "cho hộ gia đình, cá nhân", "cho doanh nghiệp", "có yếu tố nước ngoài", "tại cấp xã", "lần đầu",
              "do bị mất, hư hỏng"]


def catalogue_tables(n: int, rng: random.Random) -> dict:
    """Rows for `n` published procedures with 2 cases, 4 documents, 1 fee, 4 steps each."""
    from motcua.catalog.import_export import Row

    tables = {name: [] for name in ("fields", "decisions", "decision_items", "procedures", "cases", "documents",
                                    "fees", "exemptions", "steps")}
    fields = [("ho-tich", "Hộ tịch"), ("dat-dai", "Đất đai"), ("xay-dung", "Xây dựng"), ("giao-thong", "Giao thông"),
              ("kinh-doanh", "Đăng ký kinh doanh"), ("moi-truong", "Môi trường")]
    tables["fields"] = [{"code": c, "name": n_} for c, n_ in fields]
    for i in range(n):
        code = f"1.{i:06d}.000.00.00.H99"
        name = " ".join(x for x in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if x)
        ref = {"procedure": code, "version": 1}
        tables["procedures"].append({
            "code": code, "national_code": f"1.{i:06d}", "version": 1, "status": "published",
            "valid_from": "2025-07-01", "name": name, "field": rng.choice(fields)[0],
            "levels": rng.choice(["tinh", "xa", "tinh, xa"]), "competent_agencies": "000.00.10.H99",
            "time_limit": str(rng.choice([1, 3, 5, 10, 15, 20])), "time_limit_unit": "working_days",
            "online_level": rng.choice(["full", "partial", "none"]), "accepts_online": True,
        })
        tables["cases"] += [ref | {"code": "mot", "name": "Trường hợp 1", "order": 1},
                            ref | {"code": "hai", "name": "Trường hợp 2", "order": 2}]
        tables["documents"] += [ref | {"order": k, "name": f"Giấy tờ số {k}", "originals": 1} for k in range(1, 5)]
        tables["fees"].append(ref | {"fee_no": 1, "kind": "charge", "name": "Lệ phí", "amount": 50000})
        tables["steps"] += [ref | {"order": k, "name": f"Bước {k}", "role": "specialist", "budget_hours": "2"}
                            for k in range(1, 5)]
    return {name: [Row(name, i + 1, row) for i, row in enumerate(rows)] for name, rows in tables.items()}


def rate(action, seconds: float) -> tuple[float, int]:
    """Calls per second of `action` over QUERIES, cycling for about `seconds`."""
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for query in QUERIES:
            action(query)
            count += 1
    return count / (time.perf_counter() - began), count


def run(n: int, seconds: float) -> list[str]:
    from motcua.catalog import import_export, selectors, services
    from motcua.organization.models import AdministrativeLevel, Agency

    load = os.getloadavg()[0]
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    AdministrativeLevel.objects.create(code="xa", name="Cấp xã", rank=3)
    Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    rng = random.Random(2025)

    tables = catalogue_tables(n, rng)
    rows = sum(len(r) for r in tables.values())
    began = time.perf_counter()
    import_export.import_tables(tables)
    import_seconds = time.perf_counter() - began

    began = time.perf_counter()
    for i in range(100):
        services.create_procedure(
            f"3.{i:06d}.000.00.00.H99", f"3.{i:06d}", name=f"Đăng ký khai sinh mẫu {i}", field="ho-tich",
            time_limit=3, levels=["xa"], competent_agencies=["000.00.10.H99"], publish=True,
            cases=[{"code": "a", "name": "A"}], documents=[{"name": "Tờ khai", "originals": 1}],
            fees=[{"name": "Lệ phí", "amount": 8000}],
            steps=[{"order": 1, "name": "Xử lý", "role": "specialist", "budget_hours": 8}],
        )
    create_rate = 100 / (time.perf_counter() - began)
    total = selectors.published().count()

    def orm_search(query):
        queryset = selectors.for_list(selectors.search(selectors.published(), query))
        queryset.count()
        list(queryset[:20])

    client = Client()

    def api_search(query):
        response = client.get("/api/v1/procedures/", {"q": query})
        assert response.status_code == 200, response.content[:200]

    hits = {q: selectors.search(selectors.published(), q).count() for q in QUERIES}
    orm_rate, orm_count = rate(orm_search, seconds)
    api_rate, api_count = rate(api_search, seconds)
    detail_codes = [f"1.{rng.randrange(n):06d}.000.00.00.H99" for _ in range(50)]
    began = time.perf_counter()
    for code in detail_codes:
        assert client.get(f"/api/v1/procedures/{code}/").status_code == 200
    detail_rate = len(detail_codes) / (time.perf_counter() - began)

    engine = connection.vendor
    lines = [
        "## Catalogue search (`bench/bench_catalog.py`)",
        "",
        f"- date: {datetime.date.today().isoformat()}; machine: {platform.platform()}, CPython "
        f"{platform.python_version()}, {os.cpu_count()} CPUs (load average {load:.1f} at start: other work shares "
        f"them); database: {engine} (throwaway test database)",
        f"- catalogue: {total:,} procedures in force; import of {n:,} generated procedures ({rows:,} rows: "
        f"cases, documents, fees, steps) through `import_export.import_tables`: {import_seconds:.1f} s "
        f"({rows / import_seconds:,.0f} rows/s)",
        f"- `services.create_procedure(..., publish=True)` with 1 case, document, fee and step: "
        f"{create_rate:,.0f} procedures/s",
        f"- search through the ORM (count + first page of 20, {len(QUERIES)} queries, e.g. \"dang ky khai sinh\" "
        f"-> {hits['dang ky khai sinh']} hits): **{orm_rate:,.0f} searches/s** ({orm_count} runs)",
        f"- search through the API `GET /api/v1/procedures/?q=` (Django test client, one process): "
        f"**{api_rate:,.0f} requests/s** ({api_count} runs)",
        f"- procedure detail `GET /api/v1/procedures/{{code}}/` (cases, documents, fees, steps, where to "
        f"submit): {detail_rate:,.0f} requests/s",
        "- method: the folded `search_text` column (name and codes without diacritics), one LIKE per word; "
        "no index is used, the scan of a province-sized catalogue is cheap enough",
    ]
    return lines


def write_section(lines: list[str]) -> Path:
    return replace_section(START, END, "\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        tmp = tempfile.mkdtemp(prefix="motcua-bench-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(tmp, "catalog.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        lines = run(args.procedures, args.seconds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print("\n".join(lines))
    if not args.no_write:
        print(f"written to {write_section(lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
