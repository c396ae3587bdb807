"""The demo province: loaded through the catalogue services, complete, and idempotent. Loaded once
for the module (each test's changes are undone); the tests that load it their own way (other
settings, another day) are in test_demo_variants.py."""
import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from motcua.catalog.models import Field, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.services import process_budget_errors
from motcua.demo import province as demo
from motcua.organization.models import (
    AdministrativeUnit,
    Agency,
    Counter,
    CounterAssignment,
    OpeningHours,
    Role,
    RoleAssignment,
    ServicePoint,
)
from motcua.organization.permissions import agencies_for, has_permission
from motcua.testing.once import rolled_back_at_the_end

pytestmark = pytest.mark.django_db

DUMPED_APPS = ["organization", "catalog", "auth", "dossiers", "accounts", "documents", "payments"]


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def dump() -> list:
    return json.loads(run("dumpdata", *DUMPED_APPS))


def row_counts() -> dict:
    from django.apps import apps

    models = [m for label in DUMPED_APPS for m in apps.get_app_config(label).get_models()]
    return {m._meta.label: m.objects.count() for m in models}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo province, loaded once for this module's tests (motcua.testing.once)."""
    with rolled_back_at_the_end(django_db_blocker):
        yield run("load_demo", "--demo")


def test_load_demo_builds_the_province(loaded):
    assert "Đã nạp dữ liệu tỉnh mẫu" in loaded
    province = demo.province_code()
    assert Agency.objects.count() == len(demo.AGENCIES) >= 15
    assert Agency.objects.get(code=f"000.00.00.{province}").name == "Ủy ban nhân dân tỉnh Sông Mây"
    for name in ["Sở Tư pháp", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Tài chính", "Sở Công Thương",
                 "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Công an tỉnh", "Bảo hiểm xã hội tỉnh",
                 "Thuế tỉnh", "Bưu điện tỉnh"]:
        assert Agency.objects.filter(name=name).exists(), name
    # The district is gone after 30 June 2025, and a merged commune points to its successor.
    assert Agency.objects.get(code=f"000.00.40.{province}").valid_to.isoformat() == "2025-06-30"
    merged = AdministrativeUnit.objects.get(name="Xã Thác Trắng")
    assert merged.current().name == "Xã Suối Bạc"

    centre = ServicePoint.objects.get(code="trung-tam-tinh")
    assert ServicePoint.objects.filter(kind=ServicePoint.Kind.COMMUNE_UNIT).count() == 3
    # Decree 118/2025: the commune one-stop units bear the new name from 1 July 2025, the old one before.
    ben_do = ServicePoint.objects.get(code="mot-cua-ben-do")
    assert ben_do.name_on(datetime.date(2025, 7, 1)) == "Trung tâm Phục vụ hành chính công phường Bến Đò"
    assert ben_do.name_on(datetime.date(2025, 6, 30)) == "Bộ phận Một cửa phường Bến Đò"
    assert ServicePoint.objects.get(code="mot-cua-suoi-bac").name_on(datetime.date(2025, 7, 1)).startswith(
        "Trung tâm Phục vụ hành chính công xã")
    weekdays = set(OpeningHours.objects.filter(service_point=centre).values_list("weekday", flat=True))
    assert weekdays == {0, 1, 2, 3, 4, 5}  # Monday to Saturday (morning)
    saturday = OpeningHours.objects.get(service_point=centre, weekday=5)
    assert saturday.closes.hour <= 12
    assert Counter.objects.filter(service_point=centre).count() == 12
    for assignment in CounterAssignment.objects.select_related("counter"):
        assert assignment.counter.agencies.filter(pk=assignment.agency_id).exists()
    kinds = set(CounterAssignment.objects.values_list("kind", flat=True))
    assert kinds == {"official", "backup"}


def test_demo_catalogue_is_published_and_consistent(loaded):
    published = ProcedureVersion.objects.filter(status="published")
    in_force = Procedure.objects.filter(current_version__isnull=False)
    assert in_force.count() == len(demo.PROCEDURES) >= 40
    assert published.count() == in_force.count()
    # The catalogue sync from the national database simulator waits for review: drafts only.
    from motcua.catalog.models import CatalogueSyncItem

    pending = CatalogueSyncItem.objects.filter(review="pending")
    assert pending.count() == 27 and not pending.exclude(draft__status="draft").exists()
    assert Procedure.objects.filter(current_version__isnull=True).count() == 19  # new in the national database
    assert published.values("field").distinct().count() >= 10
    assert Field.objects.count() >= 10
    birth = published.get(name="Đăng ký khai sinh")
    assert birth.is_boundary_free and birth.online_level == "full"
    assert birth.cases.count() == 2
    assert published.filter(saturday_service="all_day").exists()
    assert published.filter(saturday_service="morning").exists()
    assert published.filter(online_fee_discount_percent=50).count() >= 10
    assert published.filter(fees__exemptions__isnull=False).distinct().count() >= 10
    assert published.filter(documents__certified_copies__gt=0).exists()
    assert published.filter(time_limit_unit="working_hours").exists()
    # Inter-agency: the land change passes through the tax office.
    land = published.get(name__startswith="Đăng ký biến động quyền sử dụng đất")
    assert land.is_inter_agency
    assert land.steps.filter(agency__name="Thuế tỉnh").exists()
    # Every process fits its legal limit.
    for version in published:
        assert version.steps.exists(), version.name
        assert process_budget_errors(version) == [], version.name
    assert ProcessStep.objects.filter(version__in=published).count() >= 4 * published.count()


def test_every_role_has_a_demo_officer_with_working_permissions(loaded):
    User = get_user_model()
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    assert User.objects.get(username="admin").is_superuser
    officer = User.objects.get(username="motcua.tuphap")
    assert officer.check_password(demo.DEMO_PASSWORD)
    justice = Agency.objects.get(name="Sở Tư pháp")
    assert has_permission(officer, "dossier.receive", justice)
    assert not has_permission(officer, "dossier.receive", Agency.objects.get(name="Công an tỉnh"))
    manager = User.objects.get(username="quanly.trungtam")
    assert justice in agencies_for(manager)
    assert User.objects.get(username="quantri.tinh").has_perm("organization.change_agency")
    assert not manager.has_perm("organization.change_agency")
    assert manager.has_perm("organization.change_counter")
    # Synthetic contact data only.
    assert all(p.startswith("0999") for p in officer.staff_profile.__class__.objects.values_list("phone", flat=True))


def test_second_run_changes_nothing(loaded):
    counts, before = row_counts(), dump()
    output = run("load_demo", "--demo")
    assert "không có thay đổi" in output
    assert row_counts() == counts
    assert dump() == before


def test_changed_password_survives_a_rerun(loaded):
    user = get_user_model().objects.get(username="lanhdao.tuphap")
    user.set_password("a-new-secret-1")
    user.save()
    run("load_demo", "--demo")
    user.refresh_from_db()
    assert user.check_password("a-new-secret-1")


def test_demo_logins_prints_a_vietnamese_table(loaded):
    output = run("demo_logins")
    assert f"mật khẩu chung: {demo.DEMO_PASSWORD}" in output
    assert "Tên đăng nhập" in output and "Vai trò" in output and "Cơ quan / nơi tiếp nhận" in output
    lines = output.splitlines()
    row = next(line for line in lines if line.startswith("motcua.tuphap "))
    assert "Cán bộ một cửa" in row and "Sở Tư pháp" in row
    assert "Quản trị cấp tỉnh" in next(line for line in lines if line.startswith("quantri.tinh "))
    assert "Quản lý Trung tâm" in next(line for line in lines if line.startswith("quanly.trungtam "))
    assert sum(1 for line in lines if line.split(" ")[0] in {s.username for s in demo.STAFF}) == len(demo.STAFF)


def test_demo_dossiers_cover_the_work_queues(loaded):
    from django.db.models import Count

    from motcua.demo.history import PREFIX
    from motcua.dossiers.models import Dossier, DossierEvent, Status

    # The demo's own weeks of work; the past year's finished dossiers (LS-...) came by the legacy import.
    dossiers = Dossier.objects.exclude(code__startswith=PREFIX)
    by_status = dict(dossiers.values_list("status").annotate(n=Count("pk")))
    # Received, processing, waiting for a supplement, resolved and returned dossiers all exist.
    for status in (Status.RECEIVED, Status.PROCESSING, Status.WAITING_SUPPLEMENT, Status.RESOLVED, Status.RETURNED):
        assert by_status.get(status, 0) > 0, status
    returned = dossiers.filter(status=Status.RETURNED)
    assert all(d.outcome is not None and d.returned_at >= d.finished_at for d in returned)
    # Every dossier was made by the engine: it has its receipt event, and codes carry the agency prefix.
    receipts = DossierEvent.objects.filter(kind__in=["receive_at_counter", "submit_online"])
    assert receipts.count() == dossiers.count()
    assert set(receipts.values_list("dossier_id", flat=True)) == set(dossiers.values_list("pk", flat=True))
    # The commune units receive at their own counters too.
    for commune in ("UBND xã Suối Bạc", "UBND xã Đồi Chè"):
        assert dossiers.filter(receiving_agency__short_name=commune, channel_in=1).exists(), commune
    assert all(d.code.startswith(d.receiving_agency.code + "-") for d in dossiers.select_related("receiving_agency"))


def test_demo_dossiers_have_no_future_events(loaded):
    from django.utils import timezone

    from motcua.dossiers.models import DossierEvent

    assert not DossierEvent.objects.filter(at__gt=timezone.now()).exclude(kind__in=["overdue", "step_overdue"]).exists()


def _user(username):
    return get_user_model().objects.get(username=username)


def test_the_demo_day_puts_work_in_every_new_tab(loaded, client):
    """After `make run` a newcomer finds each seam working: online dossiers with files waiting at
    Suối Bạc and Sở Tư pháp, unassigned dossiers for their specialists, results to hand back (one
    with a fee owed), an opening in the access log, and citizens who see what they owe."""
    from django.utils import timezone

    from motcua.documents.models import DocumentOpening
    from motcua.dossiers import selectors
    from motcua.dossiers.models import Status
    from motcua.demo.dossiers import DEMO_CITIZENS

    for counter in ("motcua.suoibac", "motcua.tuphap"):
        waiting = list(selectors.online_intake_queue(_user(counter)))
        assert waiting and all(d.status == Status.NEW and d.account is not None for d in waiting), counter
        with_files = [d for d in waiting if d.documents.exclude(file="").exists()]
        assert with_files, counter
        client.force_login(_user(counter))
        for document in with_files[0].documents.exclude(file=""):
            answer = client.get(f"/mot-cua/ho-so/{with_files[0].code}/tai-lieu/{document.pk}/")
            assert answer.status_code == 200, (counter, document.name)
            assert b"".join(answer.streaming_content)[:4] in (b"%PDF", b"\x89PNG")
    for specialist in ("chuyenvien.suoibac", "chuyenvien.tuphap"):
        assert selectors.unassigned_queue(_user(specialist)).exists(), specialist
    suoi_bac = list(selectors.results_to_return_queue(_user("motcua.suoibac")))
    assert any(d.fee_due > d.fee_paid for d in suoi_bac)
    assert selectors.results_to_return_queue(_user("motcua.tuphap")).exists()
    openings = DocumentOpening.objects.filter(officer__username__in=["motcua.suoibac", "motcua.tuphap"])
    assert openings.count() >= 2 and all(o.at < timezone.now() for o in openings)

    # A demo citizen signs in with the phone number and the demo password and sees what is owed.
    client.logout()
    hoa = DEMO_CITIZENS[0]
    assert client.login(request=None, username=hoa.phone, password=demo.DEMO_PASSWORD)
    mine = client.get("/ca-nhan/ho-so/").content.decode()
    assert "data-owed=" in mine and "Còn phải nộp" in mine


def test_demo_logins_lists_the_citizen_accounts(loaded):
    from motcua.demo.dossiers import DEMO_CITIZENS

    output = run("demo_logins")
    for citizen in DEMO_CITIZENS:
        row = next(line for line in output.splitlines() if line.startswith(citizen.phone + " "))
        assert "Người dân" in row and citizen.full_name in row
    assert "/tai-khoan/dang-nhap/" in output


def test_the_most_used_demo_procedures_are_in_english(loaded):
    """Seed 000 section 3d: the ten procedures with the most demo dossiers are published in English
    (names, documents, fees, exemptions, steps), the field names too; the others stay Vietnamese only."""
    from django.db.models import Count

    from motcua.catalog.models import FeeExemption, RequiredDocument
    from motcua.dossiers.models import Dossier

    from motcua.demo.history import PREFIX

    used = (Dossier.objects.exclude(code__startswith=PREFIX).values("procedure_version__procedure__national_code")
            .annotate(n=Count("pk")).order_by("-n", "procedure_version__procedure__national_code"))
    top_ten = [row["procedure_version__procedure__national_code"] for row in used[:10]]
    assert len(top_ten) == 10
    published = ProcedureVersion.objects.filter(status="published")
    for version in published.filter(procedure__national_code__in=top_ten):
        assert version.name_en and version.description_en, version.procedure.national_code
        assert not version.documents.filter(name_en="").exists(), version.procedure.national_code
        assert not version.fees.filter(name_en="").exists(), version.procedure.national_code
        assert not version.steps.filter(name_en="").exists(), version.procedure.national_code
    assert published.exclude(name_en="").count() >= 10
    assert published.filter(name_en="").exists()  # and some stay Vietnamese only
    assert not Field.objects.filter(name_en="").exists()
    assert Field.objects.get(code="ho-tich").name_en == "Civil status registration"
    birth = published.get(procedure__national_code="9.000101")
    assert birth.name_en == "Birth registration"
    assert RequiredDocument.objects.filter(version=birth, name_en="Birth registration form").exists()
    assert FeeExemption.objects.filter(fee__version=birth, beneficiary_en="People with disabilities").exists()


def test_the_demo_shows_public_statistics_for_the_past_year(loaded, client):
    """The past year (demo/history.py, a legacy import) gives every closed month of it figures on
    /thong-ke/, the default month included, and no applicant appears there."""
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.reports.publicstats import Period, last_closed_month, public_figures

    month = last_closed_month()
    page = client.get("/thong-ke/")
    assert page.status_code == 200 and page.context["period"] == month
    assert page.context["figures"]["province"]["received"] > 0
    for _i in range(11):
        figures = public_figures(month)
        assert figures["province"]["received"] > 0 and figures["province"]["resolved"] > 0, month
        assert figures["province"]["score"] is not None
        previous = month.first_day - datetime.timedelta(days=1)
        month = Period.month(previous.year, previous.month)
    html = client.get("/thong-ke/").content.decode()
    for name in Dossier.objects.exclude(applicant_name="").values_list("applicant_name", flat=True).distinct()[:50]:
        assert name not in html
    # Every history dossier is finished, before today.
    history = Dossier.objects.filter(code__startswith="LS-")
    assert history.exists() and not history.filter(finished_at__isnull=True).exists()
    assert not history.filter(finished_at__gte=timezone.now()).exists()
