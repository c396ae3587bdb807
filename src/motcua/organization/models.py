"""The organisation of the province: administrative levels and units (with history), agencies,
service points with their opening hours, counters, and staff with their roles and counters.

Levels and units are data, not code: the 2025 two-level reform abolished districts and merged
communes, so each unit carries validity dates and the unit that succeeded it.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.core.models import AppendOnly, AppendOnlyQuerySet


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


def _in_force(row, day) -> bool:
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or row.valid_to >= day)


class NamedOverTime:
    """A row whose official name changed over time (Decree 118/2025 renamed the commune one-stop
    units on 1 July 2025). `name` is the name in force now; earlier (or announced later) names
    are rows of `names` with their own validity. `name_on(day)` is the name printed for that day."""

    def name_on(self, day) -> str:
        if day is None:
            return self.name
        if hasattr(day, "date"):  # a datetime: its local date
            from django.utils import timezone

            day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
        for row in self.names.all():
            if _in_force(row, day):
                return row.name
        return self.name


def check_level_in_force(level, valid_from, field="level"):
    """A new row may not sit at a level abolished on its start date (no district after 2025-07-01)."""
    if level is None or valid_from is None:
        return
    if not _in_force(level, valid_from):
        raise ValidationError({field: _(
            "The level \"%(level)s\" is not in force on %(day)s; choose a level in force on the start date."
        ) % {"level": level.name, "day": valid_from.strftime("%d/%m/%Y")}})


class Validity(models.Model):
    """Dates between which a row is in force; valid_to is the last day (inclusive)."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date must not be before the start date.")})


class AdministrativeLevel(Validity):
    """Cấp hành chính: province, district (abolished 1 July 2025), commune."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = province, higher = lower level"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("administrative level")
        verbose_name_plural = _("administrative levels")

    def __str__(self):
        return self.name

    # The levels are fixed by law; their stored names are the Vietnamese ones ("Cấp tỉnh").
    NAMES_BY_RANK = {1: _("Province level"), 2: _("District level"), 3: _("Commune level")}

    def display_name(self) -> str:
        """The name in the reader's language: the stored name on a Vietnamese page, the legal
        level's translated name by rank on another (the stored name if the rank is unknown)."""
        from django.utils.translation import get_language

        if (get_language() or "vi").startswith("vi") or self.rank not in self.NAMES_BY_RANK:
            return self.name
        return str(self.NAMES_BY_RANK[self.rank])


class AdministrativeUnit(Validity):
    """Đơn vị hành chính: the province, a district, a commune or ward, with its history."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.ForeignKey(AdministrativeLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("The unit this one was merged into, if any."),
    )

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A unit cannot succeed itself.")})
        if self.successor_id and not self.valid_to:
            raise ValidationError({"valid_to": _("A unit that has a successor must have an end date.")})
        if self.level_id:
            check_level_in_force(self.level, self.valid_from)

    def current(self):
        """Follow successors to the unit in force today (a merged commune -> the new commune)."""
        unit, seen = self, set()
        while unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit


class Agency(NamedOverTime, Validity):
    """Cơ quan: a department, board, people's committee or vertical agency.

    Its electronic identifier code (mã định danh, e.g. 000.00.53.H48) prefixes dossier codes.
    """

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "committee", _("People's committee")
        DEPARTMENT = "department", _("Department")
        BOARD = "board", _("Board")
        VERTICAL = "vertical", _("Vertical agency")
        DIVISION = "division", _("Division / unit")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("identifier code"),
        max_length=40,
        unique=True,
        help_text=_("Electronic identifier code, e.g. 000.00.53.H48; it prefixes dossier codes."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    level = models.ForeignKey(AdministrativeLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    administrative_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("administrative unit")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent agency")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["level__rank", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        from .codes import validate_agency_code

        validate_agency_code(self.code)
        if self.level_id:
            check_level_in_force(self.level, self.valid_from)


class ServicePoint(NamedOverTime, Validity):
    """Nơi tiếp nhận: the provincial public service centre or a commune one-stop unit."""

    class Kind(models.TextChoices):
        PROVINCIAL_CENTRE = "centre", _("Provincial public administrative service centre")
        COMMUNE_UNIT = "commune", _("Commune one-stop unit")
        BRANCH = "branch", _("Branch of the centre")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    administrative_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("administrative unit")
    )
    host_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_service_points",
        verbose_name=_("host agency"),
        help_text=_("The agency that runs this service point (the centre, or the commune committee)."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")

    def __str__(self):
        return self.name


class DatedName(Validity):
    """A name in force between two dates (valid_to inclusive); outside every row the current name applies."""

    name = models.CharField(_("name"), max_length=255)

    class Meta:
        abstract = True
        ordering = ["valid_from"]

    def clean(self):
        super().clean()
        if not self.valid_from and not self.valid_to:
            raise ValidationError(_("Give the dates between which this name was in force."))
        owner = getattr(self, self.OWNER_FIELD + "_id", None)
        if owner:
            others = type(self).objects.filter(**{self.OWNER_FIELD + "_id": owner}).exclude(pk=self.pk)
            if self.valid_to:
                others = others.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to))
            if self.valid_from:
                others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            if others.exists():
                raise ValidationError(_("This period overlaps another name of the same unit."))

    def __str__(self):
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "..."
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "..."
        return f"{self.name} ({start} - {end})"


class AgencyName(DatedName):
    """Tên cũ / tên theo thời kỳ of an agency."""

    OWNER_FIELD = "agency"
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names", verbose_name=_("agency"))

    class Meta(DatedName.Meta):
        verbose_name = _("agency name in a period")
        verbose_name_plural = _("agency names in periods")


class ServicePointName(DatedName):
    """The name a service point bore in a period (e.g. "Bộ phận Một cửa ..." until 30 June 2025)."""

    OWNER_FIELD = "service_point"
    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="names", verbose_name=_("service point")
    )

    class Meta(DatedName.Meta):
        verbose_name = _("service point name in a period")
        verbose_name_plural = _("service point names in periods")


class OpeningHours(models.Model):
    """One opening period of a service point on a weekday (0 = Monday ... 6 = Sunday).

    This is the service point's own calendar (e.g. Saturday morning counters); it decides when
    the counters receive, never the legal time limits.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("service point")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["service_point", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})
        if self.service_point_id and self.opens and self.closes:
            overlapping = OpeningHours.objects.filter(
                service_point_id=self.service_point_id,
                weekday=self.weekday,
                opens__lt=self.closes,
                closes__gt=self.opens,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(_("This period overlaps another opening period on the same day."))


class Counter(models.Model):
    """Quầy: a counter at a service point that receives for one or more agencies."""

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="counters", verbose_name=_("service point")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    agencies = models.ManyToManyField(Agency, related_name="counters", verbose_name=_("agencies served"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["service_point", "number"]
        constraints = [models.UniqueConstraint(fields=["service_point", "number"], name="uniq_counter_number")]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self):
        return f"{self.service_point.name} - {_('Counter')} {self.number}: {self.name}"


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    POSTAL_WORKER = "postal_worker", _("Postal worker")


class StaffProfile(models.Model):
    """An officer: a Django user with a home agency and a title."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(pgettext_lazy("job", "title"), max_length=200, blank=True)
    home_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("home agency")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return self.full_name


class RoleAssignment(Validity):
    """A role held by a user for an agency or a service point (or province-wide when both are empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments", verbose_name=_("agency")
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("service point"),
    )

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency", "service_point"], name="uniq_role_assignment")
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        scope = self.agency or self.service_point or _("whole province")
        return f"{self.user} - {self.get_role_display()} - {scope}"

    def clean(self):
        super().clean()
        if self.role in (Role.COUNTER_OFFICER, Role.SPECIALIST, Role.LEADER) and not self.agency_id:
            raise ValidationError({"agency": _("This role is held for an agency; choose the agency.")})
        if self.role == Role.CENTRE_MANAGER and not self.service_point_id:
            raise ValidationError({"service_point": _("A centre manager manages a service point; choose it.")})


class CounterAssignment(Validity):
    """An officer sitting at a counter for an agency, as official or backup staff."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Official")
        BACKUP = "backup", _("Backup")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counter_assignments", verbose_name=_("user")
    )
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("counter"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("agency represented"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)

    class Meta:
        ordering = ["counter", "kind"]
        verbose_name = _("counter assignment")
        verbose_name_plural = _("counter assignments")

    def __str__(self):
        return f"{self.user} @ {self.counter} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        if self.counter_id and self.agency_id and not self.counter.agencies.filter(pk=self.agency_id).exists():
            raise ValidationError({"agency": _("This counter does not serve the chosen agency.")})


class AccessAuditEntry(AppendOnly):
    """One change of somebody's access, or one lookup in the population register: who, when, from
    which page, what before and after. Append-only: rows are written by `organization.audit` and
    never changed or deleted (the model, its queryset and the admin refuse it)."""

    class Kind(models.TextChoices):
        ROLE_ASSIGNMENT = "role_assignment", _("Role assignment")
        COUNTER_ASSIGNMENT = "counter_assignment", _("Counter assignment")
        COUNTER = "counter", _("Counter and the agencies it serves")
        STAFF_PROFILE = "staff_profile", _("Staff profile")
        USER_ACCOUNT = "user_account", _("User account (active, staff, superuser, groups)")
        REGISTER_LOOKUP = "register_lookup", _("Population register lookup")

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        LOOKED_UP = "looked_up", _("Looked up")
        REFUSED = "refused", pgettext_lazy("access audit", "Refused")

    at = models.DateTimeField(pgettext_lazy("access audit", "at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by (user name)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    action = models.CharField(pgettext_lazy("access audit", "action"), max_length=10, choices=Action.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("whose access"),
    )
    subject_label = models.CharField(_("whose access (label)"), max_length=255, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    citizen_id_digest = models.CharField(max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    source = models.CharField(_("page"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "kind", "at"], name="org_access_audit_actor_kind")]
        verbose_name = _("access audit entry")
        verbose_name_plural = _("access audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.get_kind_display()} {self.object_label}"

    @classmethod
    def append_only_refusal(cls, changed: bool) -> Exception:
        return PermissionError("The access audit log is append-only.")
