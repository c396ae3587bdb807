"""A person's scope: computed once per request from the role assignments in force, the same
answer as the permission rules, recomputed when roles change, used by the dossier commands and
selectors and the counter intake alike."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login

from motcua.organization import permissions
from motcua.organization.models import Agency, CounterAssignment, Role, RoleAssignment
from motcua.organization.permissions import Scope, scope_of

from . import factories as f
from .test_permissions import holder, org  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_the_scope_gives_the_agencies_of_each_permission(org):
    leader = holder(Role.LEADER, org["land"])
    scope = scope_of(leader)
    assert scope.agency_ids("dossier.approve") == {org["land"].pk, org["land_office"].pk}
    assert scope.agency_ids("dossier.receive") == frozenset()
    assert scope.holds("reports.view") and not scope.holds("dossier.receive")
    manager = holder(Role.CENTRE_MANAGER, service_point=org["centre"])
    assert scope_of(manager).agency_ids("dossier.view") == {org["justice"].pk, org["land"].pk, org["land_office"].pk}
    assert scope_of(manager).service_point_ids == (org["centre"].pk,)
    admin = holder(Role.PROVINCE_ADMIN)
    assert scope_of(admin).agency_ids("dossier.view") == set(Agency.objects.values_list("pk", flat=True))
    assert scope_of(admin).agency_ids("dossier.receive") == frozenset()  # not a counter officer
    root = f.user(is_superuser=True)
    assert len(scope_of(root).agency_ids("dossier.receive")) == 4


def test_the_scope_is_computed_once_per_user_object(org, django_assert_num_queries):
    officer = holder(Role.COUNTER_OFFICER, org["justice"])
    with django_assert_num_queries(2):  # the assignments, the divisions of their agencies
        scope = scope_of(officer)
    with django_assert_num_queries(0):
        assert scope_of(officer) is scope
        assert permissions.has_permission(officer, "dossier.receive", org["justice"])
        assert scope_of(officer).agency_ids("dossier.receive") == {org["justice"].pk}
    # A fresh user object (the next request) computes it again.
    again = get_user_model().objects.get(pk=officer.pk)
    assert scope_of(again) is not scope


def test_a_role_change_in_this_process_makes_the_cached_scope_stale(org):
    officer = holder(Role.COUNTER_OFFICER, org["justice"])
    assert scope_of(officer).agency_ids("dossier.receive") == {org["justice"].pk}
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER, agency=org["police"])
    assert scope_of(officer).agency_ids("dossier.receive") == {org["justice"].pk, org["police"].pk}
    RoleAssignment.objects.filter(user=officer, agency=org["justice"]).get().delete()
    assert scope_of(officer).agency_ids("dossier.receive") == {org["police"].pk}


def test_signing_in_leaves_the_cached_scope_alone(org, django_assert_num_queries):
    """Every sign-in saves last_login: that is no change of scope, so the scope computed earlier in
    the request stays (before, its queries ran again); a change of is_superuser, or a save
    that may change anything, still makes it stale."""
    officer = holder(Role.COUNTER_OFFICER, org["justice"])
    scope = scope_of(officer)
    with django_assert_num_queries(1):  # the UPDATE of last_login only
        update_last_login(None, officer)
    officer.first_name = "Mẫu"
    officer.save(update_fields=["first_name"])
    with django_assert_num_queries(0):
        assert scope_of(officer) is scope
        assert scope_of(officer).agency_ids("dossier.receive") == {org["justice"].pk}
    officer.is_superuser = True
    officer.save(update_fields=["is_superuser"])
    assert scope_of(officer) is not scope and scope_of(officer).superuser
    promoted = scope_of(officer)
    officer.save()  # without update_fields: any field may have changed
    assert scope_of(officer) is not promoted


def test_where_the_officer_sits_counter_seat_first_then_the_role_service_point(org):
    officer = holder(Role.COUNTER_OFFICER, org["land"], service_point=org["centre"])
    commune_counter = f.counter(f.service_point(kind="commune"), 5, [org["land"]])
    assert scope_of(officer).service_point_for(org["land"].pk) == org["centre"].pk  # no seat: the role's
    CounterAssignment.objects.create(user=officer, counter=commune_counter, agency=org["land"])
    assert scope_of(officer).service_point_for(org["land"].pk) == commune_counter.service_point_id
    assert scope_of(officer).service_point_for(org["justice"].pk) == org["centre"].pk
    assert Scope().service_point_for(org["land"].pk) is None and Scope().seats == ()
