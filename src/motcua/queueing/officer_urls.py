"""Officer pages under /mot-cua/xep-hang/: the counter panel, its actions, the statistics."""
from django.urls import path

from . import officer_views

app_name = "queueing_officer"
urlpatterns = [
    path("xep-hang/", officer_views.panel, name="panel"),
    path("xep-hang/thong-ke/", officer_views.statistics, name="statistics"),
    path("xep-hang/quay/<int:counter_id>/<slug:action>/", officer_views.act, name="act"),
    path("xep-hang/ve/<int:ticket_id>/ho-so/", officer_views.dossier_link, name="dossier_link"),
]
