from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("dang-ky/", views.sign_up, name="signup"),
    path("dang-nhap/", views.sign_in, name="login"),
    path("dang-xuat/", views.sign_out, name="logout"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("quen-mat-khau/xac-nhan/", views.password_reset_confirm, name="password_reset_confirm"),
    path("xac-minh/", views.verify_contact, name="verify_contact"),
    path("vneid/", views.oidc_start, name="oidc_start"),
    path("vneid/callback/", views.oidc_callback, name="oidc_callback"),
]
