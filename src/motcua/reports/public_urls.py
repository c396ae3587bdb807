"""The public statistics, mounted at /thong-ke/ (no sign-in)."""
from django.urls import path

from . import public_views

app_name = "publicstats"
urlpatterns = [
    path("", public_views.public_stats, name="page"),
    path("thong-ke.<str:fmt>", public_views.public_stats_download, name="download"),
]
