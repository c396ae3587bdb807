"""The weights of the service index of Decision 766/QĐ-TTg, as data with an effective date.

Each set of weights holds one line per indicator: its points and the rate (in percent) at which
it earns them in full; below that threshold it earns rate x points / threshold. A report uses the
set in force on the period's last day (the latest `effective_from` on or before it). The default
set is written by migration 0002 (`index766.DEFAULT_INDICATORS`).
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexWeights(models.Model):
    class NoDataRule(models.TextChoices):
        FULL = "full", _("Count as full points")
        ZERO = "zero", _("Count as zero")

    effective_from = models.DateField(_("in force from"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    no_data_rule = models.CharField(
        _("indicators without data"), max_length=4, choices=NoDataRule.choices, default=NoDataRule.FULL,
        help_text=_("How an indicator motcua cannot compute (e.g. synchronisation to the national portal) counts."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("service index weights")
        verbose_name_plural = _("service index weights")

    def __str__(self):
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"


class IndicatorWeight(models.Model):
    weights = models.ForeignKey(IndexWeights, on_delete=models.CASCADE, related_name="indicators",
                                verbose_name=_("weights"))
    code = models.CharField(_("indicator"), max_length=40)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    threshold = models.DecimalField(
        _("full points at (%)"), max_digits=5, decimal_places=2, default=100,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["weights", "pk"]
        constraints = [models.UniqueConstraint(fields=["weights", "code"], name="uniq_indicator_weight")]
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")

    def __str__(self):
        return f"{self.code}: {self.points}"


class ReportSnapshot(models.Model):
    """Figures of a closed period (one that ended before today), computed once and read back.

    Key: the kind of figures ("dashboard", "trend-month"), the period and a hash of the scope
    (agencies, grouping, language). The payload is JSON text written by `snapshots.dumps`, which
    keeps decimals, dates and sets. `snapshots.invalidate_from` deletes the snapshots a legacy
    import can change (docs/reports.md, "Snapshots of closed periods").
    """

    kind = models.CharField(_("figures kind"), max_length=40)
    date_from = models.DateField(_("period start"))
    date_to = models.DateField(_("period end"))
    scope = models.CharField(_("scope hash"), max_length=64)
    payload = models.TextField(_("figures (JSON)"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "date_from", "date_to", "scope"],
                                               name="uniq_report_snapshot")]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")

    def __str__(self):
        return f"{self.kind} {self.date_from:%d/%m/%Y}-{self.date_to:%d/%m/%Y}"
