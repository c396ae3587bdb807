from django.urls import path

from . import api

urlpatterns = [
    path("me/dossiers/", api.MyDossiers.as_view(), name="api-my-dossiers"),
    path("me/dossiers/<str:code>/", api.MyDossier.as_view(), name="api-my-dossier"),
    path("me/documents/", api.MyDocuments.as_view(), name="api-my-documents"),
]
