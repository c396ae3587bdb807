"""The organisation admin: every page opens, in Vietnamese, for the right people."""
import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from motcua.demo.province import CENTRE_MANAGER_GROUP, PROVINCE_ADMIN_GROUP, ensure_admin_groups
from motcua.organization.models import Counter, OpeningHours, RoleAssignment, StaffProfile

from . import factories as f

pytestmark = pytest.mark.django_db

MODELS = ["administrativelevel", "administrativeunit", "agency", "servicepoint", "counter", "staffprofile",
          "roleassignment", "counterassignment"]


@pytest.fixture
def org():
    justice = f.agency(name="Sở Tư pháp", code="000.00.11.H99")
    point = f.service_point(code="trung-tam")
    counter = f.counter(point, 1, [justice])
    officer = f.user("motcua.tuphap", is_staff=True)
    StaffProfile.objects.create(user=officer, full_name="Nguyễn Thị Lan Anh", home_agency=justice)
    RoleAssignment.objects.create(user=officer, role="counter_officer", agency=justice)
    return {"justice": justice, "point": point, "counter": counter, "officer": officer}


@pytest.mark.parametrize("model", MODELS)
def test_superuser_opens_every_list_and_add_page_in_vietnamese(client, admin_user, org, model):
    client.force_login(admin_user)
    listing = client.get(reverse(f"admin:organization_{model}_changelist"))
    assert listing.status_code == 200
    assert listing.headers["Content-Language"] == "vi"
    assert client.get(reverse(f"admin:organization_{model}_add")).status_code == 200


def test_agency_list_is_vietnamese_and_searchable(client, admin_user, org):
    f.agency(name="Công an tỉnh", code="000.00.31.H99")
    client.force_login(admin_user)
    page = client.get(reverse("admin:organization_agency_changelist"), {"q": "tu phap"}).content.decode()
    assert "Chọn cơ quan để thay đổi" in page  # Django's "Select agency to change", translated
    page = client.get(reverse("admin:organization_agency_changelist"), {"q": "000.00.31"}).content.decode()
    assert "Công an tỉnh" in page and "Sở Tư pháp" not in page
    english = client.get(reverse("admin:organization_agency_changelist"), {"lang": "en"}).content.decode()
    assert "Select agency to change" in english


def test_in_force_filter_hides_ended_rows(client, admin_user, org):
    f.agency(name="UBND huyện Cũ", code="000.00.40.H99", valid_to=datetime.date(2025, 6, 30))
    client.force_login(admin_user)
    url = reverse("admin:organization_agency_changelist")
    assert "UBND huyện Cũ" not in client.get(url, {"in_force": "yes"}).content.decode()
    ended = client.get(url, {"in_force": "no"}).content.decode()
    assert "UBND huyện Cũ" in ended and "Sở Tư pháp" not in ended


def test_service_point_page_edits_opening_hours_inline(client, admin_user, org):
    client.force_login(admin_user)
    point = org["point"]
    url = reverse("admin:organization_servicepoint_change", args=[point.pk])
    data = {
        "code": point.code, "name": point.name, "kind": point.kind, "address": "", "phone": "",
        "opening_hours-TOTAL_FORMS": "2", "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-0-weekday": "5", "opening_hours-0-opens": "07:30", "opening_hours-0-closes": "11:30",
        "opening_hours-1-weekday": "5", "opening_hours-1-opens": "11:00", "opening_hours-1-closes": "12:00",
        "counters-TOTAL_FORMS": "1", "counters-INITIAL_FORMS": "1",
        "names-TOTAL_FORMS": "0", "names-INITIAL_FORMS": "0",
        "counters-0-id": str(org["counter"].pk), "counters-0-service_point": str(point.pk),
        "counters-0-number": "1", "counters-0-name": "Quầy", "counters-0-is_active": "on",
    }
    # Two overlapping periods submitted together are refused, in Vietnamese, and nothing is saved.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "trùng với một khoảng làm việc khác" in response.content.decode()
    assert OpeningHours.objects.filter(service_point=point).count() == 0
    # Touching periods are fine.
    data["opening_hours-1-opens"] = "11:30"
    assert client.post(url, data).status_code == 302
    assert OpeningHours.objects.filter(service_point=point).count() == 2
    # A period overlapping a saved one is refused by the model's own check.
    data.update({
        "opening_hours-TOTAL_FORMS": "1", "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-0-opens": "10:00", "opening_hours-0-closes": "11:00",
    })
    data = {k: v for k, v in data.items() if not k.startswith("opening_hours-1-")}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "trùng với một khoảng làm việc khác" in response.content.decode()
    assert OpeningHours.objects.filter(service_point=point).count() == 2


def test_user_page_shows_profile_and_roles(client, admin_user, org):
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_user_change", args=[org["officer"].pk])).content.decode()
    assert "Nguyễn Thị Lan Anh" in page
    assert "phân công vai trò" in page.lower()
    listing = client.get(reverse("admin:auth_user_changelist"), {"q": "Lan Anh"}).content.decode()
    assert "motcua.tuphap" in listing


def test_admin_rights_follow_the_demo_groups(client, org):
    ensure_admin_groups()
    province = f.user("quantri", is_staff=True)
    province.groups.add(Group.objects.get(name=PROVINCE_ADMIN_GROUP))
    RoleAssignment.objects.create(user=province, role="province_admin")
    manager = f.user("quanly", is_staff=True)
    manager.groups.add(Group.objects.get(name=CENTRE_MANAGER_GROUP))
    # Admin rights are scoped: the manager administers the point they manage (tests/security).
    RoleAssignment.objects.create(user=manager, role="centre_manager", service_point=org["point"])

    client.force_login(province)
    assert client.get(reverse("admin:organization_agency_add")).status_code == 200
    client.force_login(manager)
    assert client.get(reverse("admin:organization_agency_changelist")).status_code == 200  # view only
    assert client.get(reverse("admin:organization_agency_add")).status_code == 403
    assert client.get(reverse("admin:organization_counter_change", args=[org["counter"].pk])).status_code == 200
    client.force_login(org["officer"])  # a counter officer has no admin rights
    assert client.get(reverse("admin:organization_agency_changelist")).status_code == 403
    assert Counter.objects.count() == 1
