"""The back-office page: scoped to the person's agencies, refused to others; resending for administrators."""
import pytest
from django.urls import reverse

from motcua.national import services
from motcua.national.models import OutboxItem
from motcua.organization.models import Role
from motcua.testing.world import make_officer


@pytest.fixture
def stuck(receive, settings):
    d = receive()
    settings.NATIONAL_SIMULATOR_MODE = "server_error"
    services.sync_due()
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    return d


def test_officers_see_their_agencys_stuck_dossiers_and_why(client, world, stuck):
    client.force_login(world["counter"])
    page = client.get(reverse("national:status"))
    assert page.status_code == 200
    text = page.content.decode()
    assert stuck.code in text and "Đồng bộ với Cổng Dịch vụ công quốc gia" in text
    assert "Cổng quốc gia trả lời lỗi máy chủ (5xx)" in text and "HTTP 503" in text
    assert "Gửi lại ngay" not in text  # only administrators resend
    english = client.get(reverse("national:status") + "?lang=en").content.decode()
    assert "Synchronisation with the national portal" in english
    assert "The portal answered with a server error (5xx)" in english
    client.force_login(world["justice_counter"])
    assert stuck.code not in client.get(reverse("national:status")).content.decode()


def test_anonymous_and_people_without_a_role(client, django_user_model, stuck):
    page = client.get(reverse("national:status"))
    assert page.status_code == 302 and "/mot-cua/" in page["Location"]
    client.force_login(django_user_model.objects.create_user("citizen", password="x"))
    assert client.get(reverse("national:status")).status_code == 403


def test_resend_by_an_administrator_only(client, world, stuck):
    client.force_login(world["counter"])
    page = client.post(reverse("national:resend"), {"code": stuck.code}, follow=True)
    assert "Chỉ quản trị viên" in page.content.decode()
    assert OutboxItem.objects.get(dossier=stuck).attempts == 1
    admin = make_officer("admin", Role.PROVINCE_ADMIN, None)
    client.force_login(admin)
    assert "Gửi lại ngay" in client.get(reverse("national:status")).content.decode()
    page = client.post(reverse("national:resend"), {"code": stuck.code}, follow=True)
    assert f"Hồ sơ {stuck.code}: 1 dòng sẽ được gửi lại trong vòng một phút." in page.content.decode()
    item = OutboxItem.objects.get(dossier=stuck)
    assert (item.attempts, item.error_kind) == (0, "")
    page = client.post(reverse("national:resend"), {"code": "KHONG-CO"}, follow=True)
    assert "Không có hồ sơ nào mang mã" in page.content.decode()
    assert client.get(reverse("national:resend")).status_code == 405
