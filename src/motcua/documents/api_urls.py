from django.urls import path

from . import api

urlpatterns = [
    path("me/dossiers/", api.MyDossiers.as_view(), name="api-my-dossiers"),
    path("me/dossiers/<str:code>/", api.MyDossier.as_view(), name="api-my-dossier"),
    path("me/documents/", api.MyDocuments.as_view(), name="api-my-documents"),
    path("dossiers/<str:code>/documents/<int:document_id>/digitise/", api.DigitiseDocument.as_view(),
         name="api-dossier-document-digitise"),
]
