"""The citizen's own dossier files (/ca-nhan/ho-so/<code>/tai-lieu/<id>/), included at the root."""
from django.urls import path

from . import views

app_name = "documents_portal"
urlpatterns = [
    path("ca-nhan/ho-so/<str:code>/tai-lieu/<int:document_id>/", views.citizen_document_file, name="my_file"),
]
