from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.cell_dossiers, name="cell"),
    path("bieu-06a.xlsx", views.download_table, name="table_xlsx"),
    path("bao-cao.<str:fmt>", views.download_report, name="report"),
]
