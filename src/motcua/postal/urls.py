from django.urls import path

from . import views

app_name = "postal"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("van-don/<int:pk>/nhan.pdf", views.label, name="label"),
    path("bang-ke/", views.manifests, name="manifests"),
    path("bang-ke/<int:pk>/", views.manifest, name="manifest"),
    path("buu-ta/", views.work_list, name="work-list"),
    path("buu-ta/van-don/<int:pk>/", views.worker_record, name="worker-record"),
    path("cong-dan/<str:code>/", views.citizen_choose, name="citizen-choose"),
]
