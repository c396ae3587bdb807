"""Officer pages of the integrations app, under /mot-cua/."""
from django.urls import path

from .procedures import views as catalogue

app_name = "integrations"
urlpatterns = [
    path("danh-muc/dong-bo/", catalogue.overview, name="catalogue_sync"),
    path("danh-muc/dong-bo/<int:pk>/", catalogue.review, name="catalogue_review"),
    path("danh-muc/dong-bo/<int:pk>/quyet-dinh/", catalogue.decide, name="catalogue_decide"),
]
