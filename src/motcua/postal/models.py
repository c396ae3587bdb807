"""The postal service (bưu chính công ích): shipments of dossiers and results, their events, the
pool of pre-issued waybill numbers and the manifests (bảng kê) of transfers.

A `Shipment` is one leg a dossier travels by post: picked up at the applicant's home (pickup),
carried from the centre to the agency (transfer_out) and back (transfer_back), or its result
delivered home (delivery). Its status is normalised over every partner (created, picked_up,
in_transit, delivered, failed_attempt, returned, cancelled); every change is a `ShipmentEvent`
(append-only) written by `services.py` only. `partner_state` says whether the partner has the order:
"queued" until it answered (retried by the Celery task), "sent" after, "local" for the transfers the
province's own postal worker carries under a manifest.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AppendOnly, AppendOnlyQuerySet


class Leg(models.TextChoices):
    PICKUP = "pickup", _("Pick-up at home")
    TRANSFER_OUT = "transfer_out", _("Transfer from the centre to the agency")
    TRANSFER_BACK = "transfer_back", _("Transfer from the agency back to the centre")
    DELIVERY = "delivery", _("Delivery of the result home")


# The partner's order number is the dossier code and this suffix (and -2, -3 ... for a later order
# of the same leg, after a cancelled or returned one).
LEG_SUFFIX = {Leg.PICKUP: "NHAN", Leg.TRANSFER_OUT: "CHUYEN", Leg.TRANSFER_BACK: "CHUYENVE", Leg.DELIVERY: "TRA"}
TRANSFER_LEGS = (Leg.TRANSFER_OUT, Leg.TRANSFER_BACK)


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Order created")
    PICKED_UP = "picked_up", _("Picked up by the post")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    FAILED_ATTEMPT = "failed_attempt", _("Delivery attempt failed")
    RETURNED = "returned", _("Returned to the sender")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATUSES = (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED)


class PartnerState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent to the post")
    SENT = "sent", _("Order taken by the post")
    LOCAL = "local", _("Carried under a manifest")


class AddressFields(models.Model):
    """An address in the administrative units in force (after the 2025 mergers): a commune or ward
    and the house number and street."""

    receiver_name = models.CharField(_("receiver name"), max_length=200, blank=True)
    receiver_phone = models.CharField(_("receiver phone"), max_length=20, blank=True)
    street = models.CharField(_("house number, street"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "organization.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("commune or ward"),
    )

    class Meta:
        abstract = True

    @property
    def full_address(self) -> str:
        parts = [self.street]
        unit = self.unit
        while unit is not None:
            parts.append(unit.name)
            unit = unit.parent
        return ", ".join(p for p in parts if p)


class PostalChoice(AddressFields):
    """What the applicant chose: home pick-up of the dossier and/or home delivery of the result."""

    class Via(models.TextChoices):
        PORTAL = "portal", _("Citizen portal")
        COUNTER = "counter", _("At the counter")
        IMPORT = "import", _("Legacy import")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="postal_choices",
                                verbose_name=_("dossier"))
    leg = models.CharField(_("leg"), max_length=20, choices=Leg.choices)
    via = models.CharField(_("chosen via"), max_length=10, choices=Via.choices)
    chosen_at = models.DateTimeField(_("chosen at"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("chosen by"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "leg"], name="postal_one_choice_per_leg")]
        verbose_name = _("postal choice")
        verbose_name_plural = _("postal choices")

    def __str__(self):
        return f"{self.dossier_id} {self.leg}"


class Shipment(AddressFields):
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="shipments",
                                verbose_name=_("dossier"))
    leg = models.CharField(_("leg"), max_length=20, choices=Leg.choices)
    order_number = models.CharField(_("partner order number"), max_length=60, unique=True)
    waybill = models.CharField(_("waybill number"), max_length=40, blank=True, db_index=True)
    partner = models.CharField(_("partner"), max_length=30, blank=True)
    partner_state = models.CharField(_("with the partner"), max_length=10, choices=PartnerState.choices,
                                     default=PartnerState.QUEUED)
    partner_tries = models.PositiveSmallIntegerField(_("tries to send"), default=0)
    partner_error = models.CharField(_("last partner error"), max_length=300, blank=True)
    next_try_at = models.DateTimeField(_("next try"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices,
                              default=ShipmentStatus.CREATED)
    attempts = models.PositiveSmallIntegerField(_("failed delivery attempts"), default=0)
    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("agency (transfers)"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    # The moment it left the sender (counted in the reports), delivered, returned, cancelled.
    picked_up_at = models.DateTimeField(_("handed to the post at"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_to = models.CharField(_("delivered to"), max_length=200, blank=True)
    proof_photo = models.FileField(_("delivery photo"), upload_to="postal/%Y/%m/", blank=True)
    returned_at = models.DateTimeField(_("returned to the sender at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    last_status_at = models.DateTimeField(_("last status at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("row version"), default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["leg", "picked_up_at"], name="postal_leg_picked_up"),
                   models.Index(fields=["partner_state", "status"], name="postal_partner_state")]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return self.order_number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class ShipmentEvent(AppendOnly):
    """Every change of a shipment (and every postal choice of a dossier), never edited."""

    changed_message = _("A shipment event is never changed.")
    deleted_message = _("A shipment event is never deleted.")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("dossier"))
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, null=True, blank=True, related_name="events",
                                 verbose_name=_("shipment"))
    kind = models.CharField(_("kind"), max_length=30)
    status = models.CharField(_("status"), max_length=20, choices=ShipmentStatus.choices, blank=True)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    source = models.CharField(_("source"), max_length=20, blank=True,
                              help_text=_("officer, citizen, postal worker, partner, system"))
    payload = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class WaybillPool(models.Model):
    """A batch of waybill numbers the partner issued in advance (VNPost's ItemCode)."""

    name = models.CharField(_("name"), max_length=100)
    partner = models.CharField(_("partner"), max_length=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waybill pool")
        verbose_name_plural = _("waybill pools")

    def __str__(self):
        return self.name


class Waybill(models.Model):
    pool = models.ForeignKey(WaybillPool, on_delete=models.CASCADE, related_name="waybills", verbose_name=_("pool"))
    code = models.CharField(_("waybill number"), max_length=40, unique=True)
    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("used by"))
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("waybill number")
        verbose_name_plural = _("waybill numbers")

    def __str__(self):
        return self.code


class Manifest(models.Model):
    """Bảng kê: the dossiers one trip carries between the centre and an agency, each scanned when
    handed over and when received."""

    class Direction(models.TextChoices):
        OUT = "out", _("Centre to agency")
        BACK = "back", _("Agency back to the centre")

    class State(models.TextChoices):
        OPEN = "open", _("Being filled")
        HANDED_OVER = "handed_over", _("Handed to the postal worker")
        RECEIVED = "received", _("Received")

    code = models.CharField(_("number"), max_length=40, unique=True)
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices, default=Direction.OUT)
    service_point = models.ForeignKey("organization.ServicePoint", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("service point"))
    agency = models.ForeignKey("organization.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("received by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("manifest")
        verbose_name_plural = _("manifests")

    def __str__(self):
        return self.code

    @property
    def leg(self) -> str:
        return Leg.TRANSFER_OUT if self.direction == self.Direction.OUT else Leg.TRANSFER_BACK


class ManifestItem(models.Model):
    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="items", verbose_name=_("manifest"))
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("dossier"))
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("shipment"))
    # False: scanned at receipt without being on the manifest (an extra item).
    listed = models.BooleanField(_("on the manifest"), default=True)
    scanned_out_at = models.DateTimeField(_("scanned at hand-over"), null=True, blank=True)
    scanned_in_at = models.DateTimeField(_("scanned at receipt"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["manifest", "dossier"], name="postal_one_item_per_dossier")]
        verbose_name = _("manifest item")
        verbose_name_plural = _("manifest items")

    def __str__(self):
        return f"{self.manifest_id} {self.dossier_id}"


class SimulatedOrder(models.Model):
    """The simulator's own book of orders (what the partner would keep), so that a retried create
    is recognised ("already exists") across processes and restarts."""

    order_number = models.CharField(max_length=60, unique=True)
    waybill = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("simulated partner order")
        verbose_name_plural = _("simulated partner orders")

    def __str__(self):
        return self.order_number
