"""Catalogue sync from the national procedure database: the simulator's 50 procedures into drafts
with a readable diff, free text as warnings, an idempotent re-run, review (publish / discard), the
source's failures, the HTTP adapter against a local server, the command and the pages."""
import copy
import datetime
import io
import threading
from decimal import Decimal
from http.server import ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog import national_sync
from motcua.catalog.models import CatalogueSyncItem, Procedure, ProcedureVersion, PublicationDecision
from motcua.demo.province import load_catalog, load_organization
from motcua.integrations.procedures import CatalogueUnavailable, get_catalogue
from motcua.integrations.procedures.http import HttpNationalCatalogue
from motcua.integrations.procedures.simulator import SimulatedNationalCatalogue, handler_for, sample
from motcua.organization.models import Role, RoleAssignment

Status = ProcedureVersion.Status
FEE_CHANGED = "9.000105"  # the sample raises this procedure's charge from 15,000 to 35,000 đ
DOC_ADDED = "9.000201"
BAD_FEE, BAD_TIME, NAMELESS = "9.009918", "9.009919", "9.009920"


@pytest.fixture
def catalogue(db, settings):
    settings.MOTCUA_PROVINCE_CODE = "H99"
    load_organization()
    load_catalog()


def simulator(**kwargs):
    return SimulatedNationalCatalogue(**kwargs)


def run(source=None, **kwargs):
    return national_sync.sync(source or simulator(), unit="000.00.00.H99", **kwargs)


def outcomes(sync_run):
    return {item.national_code: item.outcome for item in sync_run.items.all()}


def test_parsing_free_text():
    assert national_sync.parse_amount("50.000 đồng/bản") == 50000
    assert national_sync.parse_amount("1,200,000đ") == 1200000
    assert national_sync.parse_amount("8000") == 8000
    assert national_sync.parse_amount("") == 0
    for text in ("Không", "Miễn phí", "Theo quy định tại Thông tư 85/2019/TT-BTC"):
        assert national_sync.parse_amount(text) is None
    assert national_sync.parse_figure("5") == Decimal("5")
    assert national_sync.parse_figure("0,5") == Decimal("0.5")
    assert national_sync.parse_figure("Ba mươi ngày") is None
    assert national_sync.parse_unit("Ngày làm việc") == "working_days"
    assert national_sync.parse_unit("Giờ làm việc") == "working_hours"
    assert national_sync.parse_unit("Ngày") == "calendar_days"
    assert national_sync.parse_unit("tuần") is None


def test_fifty_procedures_into_drafts_with_a_readable_diff(catalogue):
    published_before = set(ProcedureVersion.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True))
    sync_run = run()
    found = national_sync.counts(sync_run)
    assert sync_run.listed == 50 and not sync_run.error
    assert (found["new"], found["changed"], found["unchanged"], found["failed"]) == (19, 8, 22, 1)
    # Never published automatically: the versions in force are the same rows, every new one a draft.
    assert set(ProcedureVersion.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True)) == published_before
    pending = CatalogueSyncItem.objects.filter(review="pending")
    assert pending.count() == 27
    assert all(item.draft.status == Status.DRAFT for item in pending)

    item = sync_run.items.get(national_code=FEE_CHANGED)
    current = item.procedure.current_version
    changes = national_sync.diff_versions(current, item.draft)
    assert [(c.section, c.label, c.before, c.after) for c in changes] == [
        ("Phí, lệ phí", "Lệ phí thay đổi, cải chính hộ tịch", "15.000 đ, Lệ phí", "35.000 đ, Lệ phí")]
    # What only the province knows stays: the fee's exemptions, the internal process.
    fee = item.draft.fees.get()
    assert fee.exemptions.count() == current.fees.get().exemptions.count()
    assert item.draft.steps.count() == current.steps.count() > 0

    added = sync_run.items.get(national_code=DOC_ADDED)
    [change] = national_sync.diff_versions(added.procedure.current_version, added.draft)
    assert (change.kind, change.label) == ("added", "Văn bản ủy quyền (trường hợp nộp thay)")

    new = sync_run.items.get(national_code="9.009903")
    assert new.outcome == "new" and new.procedure.current_version is None
    assert new.draft.procedure.code == "9.009903.000.00.12.H99"
    assert new.draft.competent_agencies.get().name == "Sở Xây dựng"
    assert new.draft.fees.get().amount == 80000
    assert list(new.draft.documents.values_list("form_name", flat=True)) == ["Mẫu số 01", ""]


def test_free_text_becomes_a_warning_not_a_crash(catalogue):
    sync_run = run()
    fee = sync_run.items.get(national_code=BAD_FEE)
    assert fee.outcome == "new" and fee.draft.fees.count() == 0
    assert national_sync.warning_text(fee.warnings[0]) == (
        'Phí "Lệ phí chứng thực" ghi là "Không", không phải một số tiền: chưa tạo dòng phí; hãy kiểm tra.')
    time = sync_run.items.get(national_code=BAD_TIME)
    assert time.outcome == "new" and time.draft.time_limit == 0
    assert [w["code"] for w in time.warnings] == ["time_text", "no_steps"]
    assert time.warnings[0]["params"]["text"] == "Ba mươi ngày"
    nameless = sync_run.items.get(national_code=NAMELESS)
    assert (nameless.outcome, nameless.draft, nameless.warnings[0]["code"]) == ("failed", None, "missing_name")
    assert not Procedure.objects.filter(national_code=NAMELESS).exists()


def test_a_rerun_is_idempotent(catalogue):
    first = run()
    versions = ProcedureVersion.objects.count()
    second = run()
    found = national_sync.counts(second)
    assert (found["new"], found["changed"], found["waiting"], found["unchanged"], found["failed"]) == (0, 0, 27, 22, 1)
    assert ProcedureVersion.objects.count() == versions
    assert CatalogueSyncItem.objects.filter(review="pending").count() == 27
    assert second.items.get(national_code=FEE_CHANGED).draft == first.items.get(national_code=FEE_CHANGED).draft


def test_a_changed_record_replaces_the_waiting_draft(catalogue):
    records = copy.deepcopy(sample("H99")["thutuc"])
    run(simulator(records=records), codes=[FEE_CHANGED])
    record = next(r for r in records if r["MATTHC"] == FEE_CHANGED)
    for channel in record["CACHTHUCTHUCHIEN"]:
        channel["PHILEPHI"][0]["SOTIEN"] = "40.000 đồng"
    again = run(simulator(records=records), codes=[FEE_CHANGED])
    item = again.items.get()
    assert item.outcome == "changed" and [w["code"] for w in item.warnings] == ["replaced_draft"]
    assert item.draft.fees.get().amount == 40000
    assert ProcedureVersion.objects.filter(procedure=item.procedure, status=Status.DRAFT).count() == 1
    assert CatalogueSyncItem.objects.filter(national_code=FEE_CHANGED, review="discarded").count() == 1


def test_a_waiting_draft_completed_by_hand_is_not_replaced(catalogue):
    from motcua.catalog import services

    records = copy.deepcopy(sample("H99")["thutuc"])
    first = run(simulator(records=records), codes=["9.009903"]).items.get()
    services.add_content(first.draft, steps=[{"order": 1, "name": "Tiếp nhận và thẩm định", "role": "specialist",
                                             "budget_hours": 8}])
    record = next(r for r in records if r["MATTHC"] == "9.009903")
    record["TENTTHC"] += " (sửa đổi)"
    item = run(simulator(records=records), codes=["9.009903"]).items.get()
    assert (item.outcome, item.warnings[0]["code"], item.draft) == ("skipped", "hand_edited", first.draft)
    first.refresh_from_db()
    assert first.review == "pending" and first.draft.steps.count() == 1


def test_a_draft_made_by_hand_is_left_alone(catalogue):
    from motcua.catalog import services

    procedure = Procedure.objects.get(national_code=FEE_CHANGED)
    hand = services.new_version(procedure)
    item = run(codes=[FEE_CHANGED]).items.get()
    assert (item.outcome, item.warnings[0]["code"], item.draft) == ("skipped", "hand_draft", None)
    assert ProcedureVersion.objects.get(procedure=procedure, status=Status.DRAFT) == hand


def test_publish_with_the_decision_and_discard(catalogue, django_user_model):
    admin = django_user_model.objects.create_user("quantri", password="x")
    sync_run = run()
    item = sync_run.items.get(national_code=FEE_CHANGED)
    previous = item.procedure.current_version
    version = national_sync.publish_item(item.pk, admin)
    previous.refresh_from_db()
    assert (version.status, version.valid_from) == (Status.PUBLISHED, datetime.date(2026, 1, 15))
    assert (previous.status, previous.valid_to) == (Status.SUPERSEDED, datetime.date(2026, 1, 14))
    decision = PublicationDecision.objects.get(number="125/QĐ-BTP-DEMO")
    assert decision.items.get().version == version
    item.refresh_from_db()
    assert (item.review, item.reviewed_by) == ("published", admin)
    with pytest.raises(national_sync.ReviewRefused):
        national_sync.publish_item(item.pk, admin)  # twice: refused, nothing changes
    assert national_sync.counts(run(codes=[FEE_CHANGED]))["unchanged"] == 1  # in force now: nothing to do

    new = sync_run.items.get(national_code="9.009903")
    with pytest.raises(national_sync.ReviewRefused, match="quy trình nội bộ"):
        national_sync.publish_item(new.pk, admin)  # the national database brings no internal process
    national_sync.discard_item(new.pk, admin)
    assert not Procedure.objects.filter(national_code="9.009903").exists()
    new.refresh_from_db()
    assert (new.review, new.draft) == ("discarded", None)


def test_publish_refuses_a_date_before_the_version_in_force(catalogue, django_user_model):
    admin = django_user_model.objects.create_user("quantri", password="x")
    item = run(codes=[FEE_CHANGED]).items.get()
    with pytest.raises(national_sync.ReviewRefused) as refusal:
        national_sync.publish_item(item.pk, admin, valid_from=datetime.date(2025, 1, 1))
    assert "2025-07-01" in refusal.value.message
    item.refresh_from_db()
    assert item.review == "pending" and item.draft.status == Status.DRAFT


@pytest.mark.parametrize("mode", ["unavailable", "timeout", "garbage"])
def test_a_failing_source_stops_the_run_and_loses_nothing(catalogue, mode):
    drafts = ProcedureVersion.objects.filter(status=Status.DRAFT).count()
    sync_run = run(simulator(mode=mode))
    assert sync_run.error and sync_run.finished_at and sync_run.items.count() == 0
    assert ProcedureVersion.objects.filter(status=Status.DRAFT).count() == drafts


class _Server:
    def __init__(self, catalogue, token="secret"):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(catalogue, token=token))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_the_http_adapter_against_a_local_server(catalogue):
    source = simulator()
    with _Server(source) as url:
        adapter = HttpNationalCatalogue(url, token="secret", timeout=5)
        assert adapter.procedure("9.999999") is None
        assert adapter.procedure(FEE_CHANGED)["QUYETDINHCONGBO"][-1]["SOQD"] == "125/QĐ-BTP-DEMO"
        sync_run = national_sync.sync(adapter, unit="000.00.00.H99")
        assert (sync_run.source, sync_run.listed, national_sync.counts(sync_run)["new"]) == ("http", 50, 19)
        with pytest.raises(CatalogueUnavailable, match="HTTP 401"):
            HttpNationalCatalogue(url, token="wrong").list_procedures("000.00.00.H99")
        source.mode = "garbage"
        with pytest.raises(CatalogueUnavailable, match="not JSON"):
            adapter.list_procedures("000.00.00.H99")
        source.mode = "unavailable"
        with pytest.raises(CatalogueUnavailable, match="HTTP 503"):
            adapter.procedure(FEE_CHANGED)


def test_the_http_adapter_refuses_plain_http_elsewhere():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        HttpNationalCatalogue("http://csdl.example.vn/api")


def test_the_command(catalogue, settings):
    out = io.StringIO()
    call_command("sync_catalogue", stdout=out)
    assert ("Danh sách 50 thủ tục: 19 mới, 8 thay đổi, 0 đang chờ sẵn, 22 không đổi, 0 bỏ qua, 1 lỗi; "
            "20 có cảnh báo cần rà soát.") in out.getvalue()
    assert f'{BAD_FEE}: Phí "Lệ phí chứng thực" ghi là "Không"' in out.getvalue()
    settings.NATIONAL_CATALOGUE_SIMULATOR_MODE = "unavailable"
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("sync_catalogue", stdout=io.StringIO())
    assert get_catalogue().name == "simulator"


def test_the_pages(catalogue, client, django_user_model):
    admin = django_user_model.objects.create_user("quantri", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.PROVINCE_ADMIN)
    officer = django_user_model.objects.create_user("motcua", password="x")
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER,
                                  agency=Procedure.objects.first().current_version.competent_agencies.first())
    client.force_login(officer)
    assert client.get("/mot-cua/danh-muc/dong-bo/").status_code == 403
    assert client.post("/mot-cua/danh-muc/dong-bo/").status_code == 403

    client.force_login(admin)
    page = client.get("/mot-cua/danh-muc/dong-bo/")
    assert page.status_code == 200 and "Chưa có bản nháp nào" in page.content.decode()
    response = client.post("/mot-cua/danh-muc/dong-bo/", follow=True)
    text = response.content.decode()
    assert "19 thủ tục mới và 8 thủ tục thay đổi" in text
    assert text.count('href="/mot-cua/danh-muc/dong-bo/') >= 27
    assert NAMELESS in text  # the failed record is listed with its reason

    item = CatalogueSyncItem.objects.get(national_code=FEE_CHANGED, review="pending")
    review = client.get(f"/mot-cua/danh-muc/dong-bo/{item.pk}/").content.decode()
    assert "15.000 đ, Lệ phí" in review and "35.000 đ, Lệ phí" in review and "125/QĐ-BTP-DEMO" in review
    assert 'value="2026-01-15"' in review
    bad = client.post(f"/mot-cua/danh-muc/dong-bo/{item.pk}/quyet-dinh/", {"action": "publish", "valid_from": "x"})
    assert bad.status_code == 302 and ProcedureVersion.objects.get(pk=item.draft_id).status == Status.DRAFT
    client.post(f"/mot-cua/danh-muc/dong-bo/{item.pk}/quyet-dinh/", {"action": "publish", "valid_from": "2026-02-01"})
    version = ProcedureVersion.objects.get(pk=item.draft_id)
    assert (version.status, version.valid_from) == (Status.PUBLISHED, datetime.date(2026, 2, 1))

    fee = CatalogueSyncItem.objects.get(national_code=BAD_FEE, review="pending")
    warned = client.get(f"/mot-cua/danh-muc/dong-bo/{fee.pk}/").content.decode()
    assert 'id="sync-warnings"' in warned and "ghi là &quot;Không&quot;" in warned
    assert "Bản nháp chưa có quy trình nội bộ" in warned and f"/admin/catalog/procedureversion/{fee.draft_id}/" in warned
    assert "công dân, tổ chức, doanh nghiệp" in warned
