"""Public pages of the queue: /xep-hang/<service point code>/kiosk/, /bang/, /bang.json, /xep-hang/ve/<link>/."""
from django.urls import path

from . import views

app_name = "queueing"
urlpatterns = [
    path("ve/<str:token>/", views.ticket_status, name="ticket"),
    path("<slug:code>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:code>/bang/", views.board, name="board"),
    path("<slug:code>/bang.json", views.board_json, name="board_json"),
]
