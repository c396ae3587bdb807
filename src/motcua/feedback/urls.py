"""Public pages: /danh-gia/ (ratings) and /phan-anh/ (feedback)."""
from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("danh-gia/", views.rate_portal, name="rate_portal"),
    path("danh-gia/quay/<int:counter_id>/", views.kiosk, name="kiosk"),
    path("danh-gia/quay/<int:counter_id>/thiet-bi/", views.kiosk_devices, name="kiosk_devices"),
    path("danh-gia/<str:token>/", views.rate_link, name="rate_link"),
    path("phan-anh/", views.published_list, name="published"),
    path("phan-anh/gui/", views.feedback_submit, name="submit"),
    path("phan-anh/tra-cuu/", views.track, name="track"),
    path("phan-anh/<str:code>/", views.published_detail, name="published_detail"),
]
