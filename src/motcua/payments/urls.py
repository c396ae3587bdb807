"""Payment pages under /thanh-toan/."""
from django.urls import path

from . import officer_views, views
from .gateways.simulator import views as simulator_views
from .receipts import simulator as receipt_simulator

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:code>/", views.pay, name="pay"),
    path("ket-qua/<slug:gateway>/", views.payment_return, name="return"),
    path("ipn/<slug:gateway>/", views.ipn, name="ipn"),
    path("gia-lap/", simulator_views.simulator, name="simulator"),
    path("gia-lap/merchant_webapi/api/transaction", simulator_views.query_api, name="simulator_query"),
    path("quay/", officer_views.counter_find, name="counter_find"),
    path("quay/<str:code>/", officer_views.counter_payment, name="counter"),
    path("quay/<str:code>/hoan-tien/<int:payment_id>/", officer_views.refund, name="refund"),
    path("quay/<str:code>/bien-lai/<int:pk>/", officer_views.receipt, name="receipt"),
    path("bien-lai-gia-lap/", receipt_simulator.api, {"path": ""}, name="receipt_simulator"),
    path("bien-lai-gia-lap/<path:path>", receipt_simulator.api, name="receipt_simulator_api"),
    path("doi-soat/", officer_views.reconciliation, name="reconciliation"),
]
