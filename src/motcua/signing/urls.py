from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("xac-thuc/<str:token>/", views.verify, name="verify"),
    path("mot-cua/ky-so/ho-so/<str:code>/", views.sign, name="sign"),
    path("mot-cua/ky-so/cho/<int:pk>/", views.wait, name="wait"),
    path("mot-cua/ky-so/mo-phong/", views.phone, name="phone"),
    path("mot-cua/chung-thuc/", views.certify, name="certify"),
]
