"""Officer pages under /mot-cua/dong-bo-quoc-gia/."""
from django.urls import path

from . import views

app_name = "national"
urlpatterns = [
    path("dong-bo-quoc-gia/", views.status, name="status"),
    path("dong-bo-quoc-gia/gui-lai/", views.resend, name="resend"),
]
