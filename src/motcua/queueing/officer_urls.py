"""Officer pages under /mot-cua/xep-hang/: the counter panel, its actions, the statistics, the
Saturday duty roster."""
from django.urls import path

from . import officer_views, roster_views

app_name = "queueing_officer"
urlpatterns = [
    path("xep-hang/", officer_views.panel, name="panel"),
    path("xep-hang/thong-ke/", officer_views.statistics, name="statistics"),
    path("xep-hang/quay/<int:counter_id>/<slug:action>/", officer_views.act, name="act"),
    path("xep-hang/ve/<int:ticket_id>/ho-so/", officer_views.dossier_link, name="dossier_link"),
    path("xep-hang/lich-truc/", roster_views.roster_page, name="roster"),
    path("xep-hang/lich-truc/them/", roster_views.add_duty, name="roster_add"),
    path("xep-hang/lich-truc/<int:duty_id>/xoa/", roster_views.remove_duty, name="roster_remove"),
]
