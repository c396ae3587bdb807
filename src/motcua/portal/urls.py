from django.urls import path

from . import tracking, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("tra-cuu/", tracking.tracking, name="tracking"),
]
