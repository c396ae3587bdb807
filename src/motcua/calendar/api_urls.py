from django.urls import path

from .api import DueDateView, WorkingDaysView

urlpatterns = [
    path("calendar/due/", DueDateView.as_view(), name="calendar-due"),
    path("calendar/working-days/", WorkingDaysView.as_view(), name="calendar-working-days"),
]
