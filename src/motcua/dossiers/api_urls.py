from django.urls import path

from . import api

urlpatterns = [
    path("dossiers/", api.DossierListCreate.as_view(), name="api-dossiers"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="api-dossier"),
    path("dossiers/<str:code>/actions/<str:action>/", api.DossierAction.as_view(), name="api-dossier-action"),
    path("tracking/<str:code>/", api.PublicTracking.as_view(), name="api-tracking"),
]
