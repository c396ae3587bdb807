"""Officer pages under /mot-cua/ (beside the backoffice's): feedback handling and ratings."""
from django.urls import path

from . import officer_views

app_name = "feedback_officer"
urlpatterns = [
    path("phan-anh/", officer_views.feedback_list, name="list"),
    path("phan-anh/ghi-nhan/", officer_views.feedback_log, name="log"),
    path("phan-anh/<str:code>/", officer_views.feedback_detail, name="detail"),
    path("phan-anh/<str:code>/thao-tac/<slug:action>/", officer_views.feedback_action, name="action"),
    path("danh-gia/", officer_views.rating_report, name="ratings"),
]
