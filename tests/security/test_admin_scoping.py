"""Administrative rights are scoped like everything else, and every access change is audited
(issue 17, point 1), and so is every population register lookup (issue 17, hardening and point 2).

The hole: a commune manager could edit any counter in /admin/ and add another agency to one; the
agencies a manager sees are computed from their counters, so they then read that agency's dossiers.

The world: two commune service points, Bến Đò (counter 1 serving the Bến Đò committee, agency X)
and Đồi Chè (counter 1 serving the Đồi Chè committee, agency Y). The manager of Bến Đò has the demo
group "Quản lý nơi tiếp nhận" (counters, counter assignments, opening hours; service points) plus,
to prove the scoping and not the group, change rights on role assignments, staff profiles and
users. The province administrator keeps full rights. Only synthetic people.
"""
import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.forms import MultiWidget
from django.test import RequestFactory
from django.urls import reverse

from motcua.integrations.population import simulator
from motcua.organization.admin import CounterAdmin
from motcua.demo.province import CENTRE_MANAGER_GROUP, PROVINCE_ADMIN_GROUP, ensure_admin_groups
from motcua.organization.models import (
    AccessAuditEntry,
    Counter,
    CounterAssignment,
    Role,
    RoleAssignment,
    ServicePoint,
    StaffProfile,
)
from motcua.organization.permissions import agencies_for
from motcua.organization.tests import factories as f

pytestmark = pytest.mark.django_db
Kind, Action = AccessAuditEntry.Kind, AccessAuditEntry.Action


@pytest.fixture
def world():
    ensure_admin_groups()
    x = f.agency(name="UBND phường Bến Đò", code="000.01.01.H99")
    y = f.agency(name="UBND xã Đồi Chè", code="000.01.02.H99")
    ben_do = f.service_point(code="ben-do", kind=ServicePoint.Kind.COMMUNE_UNIT)
    doi_che = f.service_point(code="doi-che", kind=ServicePoint.Kind.COMMUNE_UNIT)
    counter_x = f.counter(ben_do, 1, [x])
    counter_y = f.counter(doi_che, 1, [y])

    manager = f.user("quanly.bendo", is_staff=True)
    manager.groups.add(Group.objects.get(name=CENTRE_MANAGER_GROUP))
    manager.user_permissions.add(*Permission.objects.filter(codename__in=[
        "add_roleassignment", "change_roleassignment", "change_staffprofile", "add_staffprofile",
        "view_user", "change_user"]))
    StaffProfile.objects.create(user=manager, full_name="Trần Văn Quản", home_agency=x)
    RoleAssignment.objects.create(user=manager, role=Role.CENTRE_MANAGER, service_point=ben_do)

    province = f.user("quantri.tinh", is_staff=True)
    province.groups.add(Group.objects.get(name=PROVINCE_ADMIN_GROUP))
    RoleAssignment.objects.create(user=province, role=Role.PROVINCE_ADMIN)

    officer_x = f.user("motcua.bendo", is_staff=True)
    StaffProfile.objects.create(user=officer_x, full_name="Lê Thị Một", home_agency=x)
    RoleAssignment.objects.create(user=officer_x, role=Role.COUNTER_OFFICER, agency=x)
    CounterAssignment.objects.create(user=officer_x, counter=counter_x, agency=x)
    officer_y = f.user("motcua.doiche", is_staff=True)
    StaffProfile.objects.create(user=officer_y, full_name="Phạm Văn Hai", home_agency=y)
    RoleAssignment.objects.create(user=officer_y, role=Role.COUNTER_OFFICER, agency=y)
    CounterAssignment.objects.create(user=officer_y, counter=counter_y, agency=y)
    return {"x": x, "y": y, "ben_do": ben_do, "doi_che": doi_che, "counter_x": counter_x,
            "counter_y": counter_y, "manager": manager, "province": province, "officer_x": officer_x,
            "officer_y": officer_y}


def agencies_of(counter):
    return set(counter.agencies.values_list("code", flat=True))


def form_data(response) -> dict:
    """The POST data of an admin change page as the browser would send it unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                continue
            if isinstance(field.widget, MultiWidget):  # a date and a time (date_joined)
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            add(form)
        data[management.add_prefix("TOTAL_FORMS")] = str(len(formset.initial_forms))
    return data


def change_url(model, obj):
    return reverse(f"admin:organization_{model}_change", args=[obj.pk])


# --- the scoping matrix -------------------------------------------------------------------------


def test_manager_lists_only_their_own_counters(client, world):
    client.force_login(world["manager"])
    page = client.get(reverse("admin:organization_counter_changelist"))
    assert page.status_code == 200
    shown = set(page.context["cl"].queryset)
    assert shown == {world["counter_x"]}
    client.force_login(world["province"])
    assert set(client.get(reverse("admin:organization_counter_changelist")).context["cl"].queryset) == {
        world["counter_x"], world["counter_y"]}


def test_manager_opens_own_counter_but_not_another_points(client, world):
    client.force_login(world["manager"])
    own = client.get(change_url("counter", world["counter_x"]))
    assert own.status_code == 200
    # The agency choices are those the manager already manages, nothing else.
    assert set(own.context["adminform"].form.fields["agencies"].queryset) == {world["x"]}
    assert set(own.context["adminform"].form.fields["service_point"].queryset) == {world["ben_do"]}
    other = client.get(change_url("counter", world["counter_y"]))
    assert other.status_code == 302  # "does not exist" for this manager
    assert client.get(change_url("servicepoint", world["doi_che"])).status_code == 302
    assert client.get(change_url("servicepoint", world["ben_do"])).status_code == 200


def test_tampered_post_adding_another_agency_to_own_counter_is_refused(client, world):
    client.force_login(world["manager"])
    url = change_url("counter", world["counter_x"])
    data = form_data(client.get(url))
    data["agencies"] = [str(world["x"].pk), str(world["y"].pk)]
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors  # refused
    assert agencies_of(world["counter_x"]) == {"000.01.01.H99"}
    assert set(agencies_for(world["manager"])) == {world["x"]}  # no wider than before
    assert not AccessAuditEntry.objects.filter(actor=world["manager"]).exists()


def test_tampered_post_on_another_points_counter_is_refused(client, world):
    client.force_login(world["province"])
    data = form_data(client.get(change_url("counter", world["counter_y"])))
    client.force_login(world["manager"])
    data["agencies"] = [str(world["x"].pk), str(world["y"].pk)]
    response = client.post(change_url("counter", world["counter_y"]), data)
    assert response.status_code in (302, 403, 404)
    assert agencies_of(world["counter_y"]) == {"000.01.02.H99"}
    assert Counter.objects.get(pk=world["counter_y"].pk).service_point == world["doi_che"]


def test_manager_adds_a_counter_only_at_own_point_with_own_agencies(client, world):
    client.force_login(world["manager"])
    add = reverse("admin:organization_counter_add")
    base = {"number": "2", "name": "Quầy 2", "is_active": "on",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    refused = client.post(add, {**base, "service_point": world["doi_che"].pk, "agencies": [world["y"].pk]})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    refused = client.post(add, {**base, "service_point": world["ben_do"].pk, "agencies": [world["y"].pk]})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert Counter.objects.count() == 2
    allowed = client.post(add, {**base, "service_point": world["ben_do"].pk, "agencies": [world["x"].pk]})
    assert allowed.status_code == 302
    assert agencies_of(Counter.objects.get(service_point=world["ben_do"], number=2)) == {"000.01.01.H99"}


def test_the_check_on_save_refuses_what_a_form_let_through(world):
    """Second barrier: even if a form offered another agency, the save is refused (403)."""
    request = RequestFactory().post("/admin/")
    request.user = world["manager"]
    admin = CounterAdmin(Counter, site)

    class Form:
        instance = world["counter_x"]
        cleaned_data = {"agencies": [world["x"], world["y"]]}

    with pytest.raises(PermissionDenied):
        admin.save_related(request, Form(), [], change=True)
    assert agencies_of(world["counter_x"]) == {"000.01.01.H99"}
    world["counter_y"].agencies.set([world["y"]])
    with pytest.raises(PermissionDenied):
        admin.save_model(request, world["counter_y"], Form(), change=True)


def test_counter_assignments_only_at_own_counters_for_own_agencies(client, world):
    client.force_login(world["manager"])
    listing = client.get(reverse("admin:organization_counterassignment_changelist"))
    assert {a.user.username for a in listing.context["cl"].queryset} == {"motcua.bendo"}
    add = reverse("admin:organization_counterassignment_add")
    seat = {"user": world["officer_x"].pk, "kind": "backup", "valid_from": "", "valid_to": ""}
    for tampered in ({"counter": world["counter_y"].pk, "agency": world["y"].pk},
                     {"counter": world["counter_x"].pk, "agency": world["y"].pk},
                     {"counter": world["counter_x"].pk, "agency": world["x"].pk, "user": world["manager"].pk}):
        response = client.post(add, {**seat, **tampered})
        assert response.status_code == 200 and response.context["adminform"].form.errors, tampered
    assert CounterAssignment.objects.count() == 2
    other = CounterAssignment.objects.get(user=world["officer_y"])
    assert client.get(change_url("counterassignment", other)).status_code == 302


def test_manager_grants_no_role_beyond_their_scope(client, world):
    client.force_login(world["manager"])
    add = reverse("admin:organization_roleassignment_add")
    page = client.get(add)
    assert [value for value, _label in page.context["adminform"].form.fields["role"].choices if value] == [
        Role.COUNTER_OFFICER, Role.CENTRE_MANAGER]
    officer = world["officer_x"].pk
    for tampered in (
        {"user": officer, "role": Role.PROVINCE_ADMIN},
        {"user": officer, "role": Role.LEADER, "agency": world["x"].pk},
        {"user": officer, "role": Role.COUNTER_OFFICER, "agency": world["y"].pk},
        {"user": officer, "role": Role.CENTRE_MANAGER, "service_point": world["doi_che"].pk},
        {"user": world["manager"].pk, "role": Role.COUNTER_OFFICER, "agency": world["x"].pk},  # themselves
        {"user": world["officer_y"].pk, "role": Role.CENTRE_MANAGER, "service_point": world["ben_do"].pk},
    ):
        response = client.post(add, tampered)
        assert response.status_code in (200, 403), tampered
        if response.status_code == 200:
            assert response.context["adminform"].form.errors, tampered
    assert RoleAssignment.objects.count() == 4
    allowed = client.post(add, {"user": officer, "role": Role.CENTRE_MANAGER, "service_point": world["ben_do"].pk})
    assert allowed.status_code == 302
    # Another point's roles are not even visible, nor the manager's own.
    listing = client.get(reverse("admin:organization_roleassignment_changelist"))
    assert {(r.user.username, r.role) for r in listing.context["cl"].queryset} == {
        ("motcua.bendo", Role.COUNTER_OFFICER), ("motcua.bendo", Role.CENTRE_MANAGER)}


def test_manager_cannot_make_anyone_superuser_or_reach_other_staff(client, world):
    client.force_login(world["manager"])
    url = reverse("admin:auth_user_change", args=[world["officer_x"].pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    data.update({"is_superuser": "on", "is_staff": "on", "is_active": "on"})
    client.post(url, data)
    world["officer_x"].refresh_from_db()
    assert not world["officer_x"].is_superuser
    assert client.get(reverse("admin:auth_user_change", args=[world["officer_y"].pk])).status_code == 302
    assert client.get(reverse("admin:auth_user_change", args=[world["manager"].pk])).status_code == 302
    assert client.get(reverse("admin:auth_user_password_change", args=[world["officer_x"].pk])).status_code == 403
    page = client.get(change_url("staffprofile", world["officer_x"].staff_profile))
    assert set(page.context["adminform"].form.fields["home_agency"].queryset) == {world["x"]}


def test_province_admin_keeps_full_rights(client, world):
    client.force_login(world["province"])
    listing = reverse("admin:organization_counter_changelist")
    filtered = client.get(listing, {"service_point__id__exact": world["doi_che"].pk})
    assert list(filtered.context["cl"].queryset) == [world["counter_y"]]
    url = change_url("counter", world["counter_y"])
    data = form_data(client.get(url))
    data["agencies"] = [str(world["x"].pk), str(world["y"].pk)]
    assert client.post(url, data).status_code == 302
    assert agencies_of(world["counter_y"]) == {"000.01.01.H99", "000.01.02.H99"}
    add = reverse("admin:organization_roleassignment_add")
    assert client.post(add, {"user": world["officer_y"].pk, "role": Role.LEADER,
                             "agency": world["y"].pk}).status_code == 302


# --- every access change is audited -------------------------------------------------------------


def entries(kind):
    return list(AccessAuditEntry.objects.filter(kind=kind).order_by("id"))


def test_each_access_change_writes_an_audit_row_with_before_and_after(client, world, admin_user):
    client.force_login(world["province"])
    assert {row.actor for row in AccessAuditEntry.objects.all()} == {None}  # the fixture's rows: "system"

    # A counter's agencies.
    url = change_url("counter", world["counter_y"])
    data = form_data(client.get(url))
    data["agencies"] = [str(world["x"].pk), str(world["y"].pk)]
    client.post(url, data)
    row = entries(Kind.COUNTER)[-1]
    assert (row.actor, row.action) == (world["province"], Action.CHANGED)
    assert row.before == {"agencies": ["000.01.02.H99"]}
    assert row.after == {"agencies": ["000.01.01.H99", "000.01.02.H99"]}
    assert row.source == url and row.subject_label == world["doi_che"].name

    # A role assignment granted, then ended.
    client.post(reverse("admin:organization_roleassignment_add"),
                {"user": world["officer_y"].pk, "role": Role.LEADER, "agency": world["y"].pk})
    role = RoleAssignment.objects.get(user=world["officer_y"], role=Role.LEADER)
    row = entries(Kind.ROLE_ASSIGNMENT)[-1]
    assert (row.action, row.subject, row.before) == (Action.CREATED, world["officer_y"], None)
    assert row.after["role"] == "leader" and row.after["agency"] == "000.01.02.H99 UBND xã Đồi Chè"
    role_url = change_url("roleassignment", role)
    data = form_data(client.get(role_url))
    data["valid_to"] = "2026-01-31"
    assert client.post(role_url, data).status_code == 302
    row = entries(Kind.ROLE_ASSIGNMENT)[-1]
    assert row.action == Action.CHANGED and row.before["valid_to"] is None and row.after["valid_to"] == "2026-01-31"

    # A counter assignment moved to another agency of the counter.
    seat = CounterAssignment.objects.get(user=world["officer_y"])
    seat_url = change_url("counterassignment", seat)
    data = form_data(client.get(seat_url))
    data["agency"] = str(world["x"].pk)
    assert client.post(seat_url, data).status_code == 302
    row = entries(Kind.COUNTER_ASSIGNMENT)[-1]
    assert row.before["agency"].startswith("000.01.02.H99") and row.after["agency"].startswith("000.01.01.H99")

    # A staff profile's home agency.
    profile = world["officer_y"].staff_profile
    profile_url = change_url("staffprofile", profile)
    data = form_data(client.get(profile_url))
    data["home_agency"] = str(world["x"].pk)
    assert client.post(profile_url, data).status_code == 302
    row = entries(Kind.STAFF_PROFILE)[-1]
    assert row.before["home_agency"].startswith("000.01.02") and row.after["home_agency"].startswith("000.01.01")

    # A user's active flag and groups (the province administrator's group only views users: a superuser).
    client.force_login(admin_user)
    user_url = reverse("admin:auth_user_change", args=[world["officer_y"].pk])
    data = form_data(client.get(user_url))
    data.pop("is_active", None)
    data["groups"] = [str(Group.objects.get(name=CENTRE_MANAGER_GROUP).pk)]
    response = client.post(user_url, data)
    assert response.status_code == 302, (response.context["adminform"].form.errors,
                                          [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset])
    flags = [e for e in entries(Kind.USER_ACCOUNT) if e.subject == world["officer_y"] and e.action == Action.CHANGED]
    assert {"before": {"is_active": True}, "after": {"is_active": False}} in [
        {"before": e.before, "after": e.after} for e in flags]
    assert {"before": {"groups": []}, "after": {"groups": [CENTRE_MANAGER_GROUP]}} in [
        {"before": e.before, "after": e.after} for e in flags]
    assert all(e.actor == admin_user for e in flags)
    assert {e.actor for e in AccessAuditEntry.objects.exclude(kind=Kind.USER_ACCOUNT).exclude(actor=None)} == {
        world["province"]}


def test_deleting_a_user_audits_the_access_they_lose(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_delete", args=[world["officer_y"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    rows = AccessAuditEntry.objects.filter(action=Action.DELETED, subject_label__startswith="motcua.doiche")
    assert {row.kind for row in rows} == {Kind.ROLE_ASSIGNMENT, Kind.COUNTER_ASSIGNMENT, Kind.STAFF_PROFILE}
    assert all(row.actor == admin_user and row.after is None and row.before for row in rows)


def test_saving_without_a_change_writes_nothing(client, world):
    client.force_login(world["province"])
    url = change_url("counter", world["counter_x"])
    count = AccessAuditEntry.objects.count()
    assert client.post(url, form_data(client.get(url))).status_code == 302
    assert AccessAuditEntry.objects.count() == count


def test_the_log_is_append_only_and_shown_to_the_province_only(client, world):
    row = AccessAuditEntry.objects.filter(kind=Kind.ROLE_ASSIGNMENT).first()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessAuditEntry.objects.update(actor_label="x")
    with pytest.raises(PermissionError):
        AccessAuditEntry.objects.all().delete()
    listing = reverse("admin:organization_accessauditentry_changelist")
    client.force_login(world["province"])
    page = client.get(listing)
    assert page.status_code == 200 and "motcua.doiche" in page.content.decode()
    assert client.get(reverse("admin:organization_accessauditentry_change", args=[row.pk])).status_code == 200
    assert client.post(reverse("admin:organization_accessauditentry_delete", args=[row.pk])).status_code == 403
    client.force_login(world["manager"])  # a manager sees only their staff's register lookups (none yet)
    assert list(client.get(listing).context["cl"].queryset) == []
    assert client.get(reverse("admin:organization_accessauditentry_change", args=[row.pk])).status_code == 302
    client.force_login(world["officer_x"])
    assert client.get(listing).status_code == 403
    assert AccessAuditEntry.objects.filter(pk=row.pk).exists()


# --- population register lookups: officers and the person's own ID, throttled, audited ----------


def test_officer_lookup_is_logged_masked_and_searchable(client, world):
    person = simulator.people()[5]
    client.force_login(world["officer_x"])
    response = client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": person.citizen_id})
    assert response.json()["found"] is True
    row = AccessAuditEntry.objects.get(kind=Kind.REGISTER_LOOKUP)
    assert (row.actor, row.action, row.source) == (world["officer_x"], Action.LOOKED_UP, "/mot-cua/tiep-nhan/cong-dan/")
    assert row.object_label == person.citizen_id[:3] + "*******" + person.citizen_id[-2:]
    assert person.citizen_id not in str(row.before) + str(row.after) + row.object_label
    client.force_login(world["province"])
    listing = reverse("admin:organization_accessauditentry_changelist")
    found = client.get(listing, {"q": person.citizen_id})
    assert list(found.context["cl"].queryset) == [row]
    assert list(client.get(listing, {"q": simulator.people()[6].citizen_id}).context["cl"].queryset) == []
    # The manager of Bến Đò sees the lookups of their own staff, not those of another point's.
    client.force_login(world["officer_y"])
    client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": simulator.people()[7].citizen_id})
    client.force_login(world["manager"])
    assert list(client.get(listing).context["cl"].queryset) == [row]


def test_officer_lookups_are_throttled(client, world, settings):
    settings.POPULATION_LOOKUP_LIMIT_OFFICER = (3, 3600)
    client.force_login(world["officer_x"])
    people = simulator.people()[10:14]
    answers = [client.get("/mot-cua/tiep-nhan/cong-dan/", {"citizen_id": p.citizen_id}) for p in people]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Tra cứu quá nhiều lần" in answers[-1].json()["message"]
    rows = AccessAuditEntry.objects.filter(kind=Kind.REGISTER_LOOKUP).order_by("id")
    assert [(r.action, (r.after or {}).get("reason")) for r in rows] == [
        (Action.LOOKED_UP, None)] * 3 + [(Action.REFUSED, "throttled")]


def test_citizen_looks_up_only_their_own_id_throttled(client, world, settings):
    from motcua.accounts.tests.helpers import make_account

    settings.POPULATION_LOOKUP_LIMIT_CITIZEN = (2, 24 * 3600)
    me, somebody = simulator.people()[3], simulator.people()[4]
    account = make_account(citizen_id=me.citizen_id, full_name="Le Huu Dung", birth_date=None)
    client.force_login(account.user, backend="motcua.accounts.backends.PhoneOrEmailBackend")
    form = {"full_name": "Le Huu Dung", "birth_date": "", "phone": account.phone, "email": account.email,
            "address": "", "prefill": "1"}
    other = client.post("/tai-khoan/", {**form, "citizen_id": somebody.citizen_id}).content.decode()
    assert somebody.full_name not in other and somebody.permanent_address not in other
    assert "chỉ tra cứu được số định danh đã lưu" in other
    own = client.post("/tai-khoan/", {**form, "citizen_id": me.citizen_id}).content.decode()
    assert me.full_name in own
    client.post("/tai-khoan/", {**form, "citizen_id": me.citizen_id})
    throttled = client.post("/tai-khoan/", {**form, "citizen_id": me.citizen_id}).content.decode()
    assert "Tra cứu quá nhiều lần" in throttled and me.permanent_address not in throttled
    rows = AccessAuditEntry.objects.filter(kind=Kind.REGISTER_LOOKUP, actor=account.user).order_by("id")
    assert [(r.action, (r.after or {}).get("reason")) for r in rows] == [
        (Action.REFUSED, "not_own_id"), (Action.LOOKED_UP, None), (Action.LOOKED_UP, None),
        (Action.REFUSED, "throttled")]
    assert {r.source for r in rows} == {"/tai-khoan/"}
