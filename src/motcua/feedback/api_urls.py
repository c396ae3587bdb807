from django.urls import path

from . import api

urlpatterns = [
    path("ratings/", api.rating_collection, name="feedback-ratings"),
    path("ratings/summary/", api.rating_summary, name="feedback-rating-summary"),
    path("feedback/", api.feedback_create, name="feedback-create"),
    path("feedback/published/", api.feedback_published, name="feedback-published"),
    path("feedback/summary/", api.feedback_summary, name="feedback-summary"),
    path("feedback/<str:code>/", api.feedback_track, name="feedback-track"),
    path("feedback/<str:code>/actions/<slug:action>/", api.feedback_action, name="feedback-action"),
]
