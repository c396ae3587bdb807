"""The admin shows ratings and petitions but cannot add, change or delete them, not even a superuser."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.feedback import ratings, services
from motcua.feedback.models import Feedback, Rating

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db


def test_ratings_and_feedback_cannot_be_deleted_in_the_admin(client, returned, world):
    dossier = returned()
    rating = ratings.rate(dossier, level="satisfied", at=at(2026, 3, 3, 11))
    feedback = services.submit_from_portal(subject_kind="rule", title="Giờ làm việc", content="Đề nghị mở cửa thứ Bảy.",
                                           sender_name="Lê Văn Thử", sender_phone="0987654321", at=MONDAY,
                                           client_ip="203.0.113.9")
    admin = get_user_model().objects.create_superuser("root-feedback", "root@example.invalid", "x")
    client.force_login(admin)
    for model, obj in ((Rating, rating), (Feedback, feedback)):
        meta = model._meta
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert client.get(change).status_code == 200  # visible
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200 and b"delete_selected" not in changelist.content
    assert Rating.objects.filter(pk=rating.pk).exists() and Feedback.objects.filter(pk=feedback.pk).exists()
