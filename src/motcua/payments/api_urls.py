from django.urls import path

from . import api

urlpatterns = [
    path("payments/fee-quote/<int:version_id>/", api.fee_quote, name="payments-fee-quote"),
    path("payments/online-totals/", api.online_totals, name="payments-online-totals"),
]
