from django.urls import path

from . import views

app_name = "printouts"
urlpatterns = [
    path("ho-so/<str:code>/in/<str:form>/", views.dossier_form, name="dossier-form"),
    path("so-theo-doi/", views.tracking_book, name="tracking-book"),
]
