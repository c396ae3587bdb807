import pytest

from motcua.organization.models import Agency, Role, RoleAssignment
from motcua.organization.permissions import PERMISSIONS, agencies_for, has_permission, roles_of

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    justice = f.agency(name="Sở Tư pháp")
    land = f.agency(name="Sở Nông nghiệp và Môi trường")
    land_office = f.agency(name="Văn phòng Đăng ký đất đai", parent=land, kind=Agency.Kind.DIVISION)
    police = f.agency(name="Công an tỉnh")
    centre = f.service_point()
    f.counter(centre, 1, [justice])
    f.counter(centre, 2, [land, land_office])
    commune = f.service_point(kind="commune")
    f.counter(commune, 1, [police])
    return {"justice": justice, "land": land, "land_office": land_office, "police": police, "centre": centre}


def holder(role, agency=None, service_point=None, **extra):
    user = f.user()
    RoleAssignment.objects.create(user=user, role=role, agency=agency, service_point=service_point, **extra)
    return user


def test_counter_officer_receives_only_for_own_agency(org):
    officer = holder(Role.COUNTER_OFFICER, org["justice"])
    assert has_permission(officer, "dossier.receive", org["justice"])
    assert not has_permission(officer, "dossier.receive", org["police"])
    assert not has_permission(officer, "dossier.approve", org["justice"])
    assert set(agencies_for(officer, "dossier.receive")) == {org["justice"]}
    assert list(agencies_for(officer, "dossier.approve")) == []


def test_role_in_a_department_covers_its_divisions(org):
    leader = holder(Role.LEADER, org["land"])
    assert has_permission(leader, "dossier.approve", org["land_office"])
    assert set(agencies_for(leader, "dossier.approve")) == {org["land"], org["land_office"]}
    # ...but not the other way round.
    office_specialist = holder(Role.SPECIALIST, org["land_office"])
    assert not has_permission(office_specialist, "dossier.examine", org["land"])


def test_specialist_examines_but_does_not_approve(org):
    specialist = holder(Role.SPECIALIST, org["justice"])
    assert has_permission(specialist, "dossier.examine", org["justice"])
    assert not has_permission(specialist, "dossier.approve", org["justice"])
    assert not has_permission(specialist, "reports.view")


def test_centre_manager_sees_the_agencies_of_their_counters(org):
    manager = holder(Role.CENTRE_MANAGER, service_point=org["centre"])
    assert set(agencies_for(manager, "dossier.view")) == {org["justice"], org["land"], org["land_office"]}
    assert has_permission(manager, "service_point.manage", org["justice"])
    assert not has_permission(manager, "dossier.view", org["police"])  # counter of another service point
    assert not has_permission(manager, "catalog.manage")


def test_province_admin_acts_province_wide(org):
    admin = holder(Role.PROVINCE_ADMIN)
    assert set(agencies_for(admin, "dossier.view")) == set(Agency.objects.all())
    assert has_permission(admin, "catalog.manage", org["police"])
    assert has_permission(admin, "calendar.manage")
    assert not has_permission(admin, "dossier.approve", org["police"])  # not a leader


def test_expired_assignment_grants_nothing(org):
    officer = holder(Role.COUNTER_OFFICER, org["justice"], valid_to=f.YESTERDAY)
    assert roles_of(officer) == set()
    assert not has_permission(officer, "dossier.view", org["justice"])
    future = holder(Role.COUNTER_OFFICER, org["justice"], valid_from=f.TOMORROW)
    assert not has_permission(future, "dossier.view")


def test_superuser_and_anonymous(org):
    from django.contrib.auth.models import AnonymousUser

    root = f.user(is_superuser=True)
    assert has_permission(root, "dossier.approve", org["police"])
    assert agencies_for(root).count() == 4
    assert not has_permission(AnonymousUser(), "dossier.view")
    assert list(agencies_for(AnonymousUser())) == []


def test_unknown_permission_is_an_error(org):
    with pytest.raises(KeyError):
        has_permission(f.user(), "dossier.teleport")
    assert {"dossier.view", "catalog.manage"} <= set(PERMISSIONS)
