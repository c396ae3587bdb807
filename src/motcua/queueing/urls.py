"""Public pages of the queue: /xep-hang/<service point code>/kiosk/, /bang/, /bang.json, /xep-hang/ve/<link>/;
online appointments /xep-hang/dat-hen/, /xep-hang/hen/<link>/; the Saturday service /xep-hang/thu-bay/."""
from django.urls import path

from . import booking_views, views

app_name = "queueing"
urlpatterns = [
    path("ve/<str:token>/", views.ticket_status, name="ticket"),
    path("dat-hen/", booking_views.book, name="book"),
    path("hen/<str:token>/", booking_views.appointment, name="cancel_appointment"),
    path("thu-bay/", booking_views.saturday, name="saturday"),
    path("<slug:code>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:code>/bang/", views.board, name="board"),
    path("<slug:code>/bang.json", views.board_json, name="board_json"),
]
