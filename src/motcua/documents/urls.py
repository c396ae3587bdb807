from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("ho-so/<str:code>/so-hoa/<int:document_id>/", views.digitise, name="digitise"),
    # The dossier's files, through the scope check and the access log (never a media URL).
    path("ho-so/<str:code>/tai-lieu/<int:document_id>/", views.officer_document_file, name="officer_file"),
    path("ho-so/<str:code>/tep-ket-qua/", views.officer_result_file, name="officer_result"),
    path("nhat-ky-mo-tai-lieu/", views.openings, name="openings"),
]
