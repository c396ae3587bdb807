from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("ho-so/<str:code>/so-hoa/<int:document_id>/", views.digitise, name="digitise"),
]
