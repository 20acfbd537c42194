from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.analytics.models import NearRepeatAlert
from tryggve.areas.models import GeometryFields, ResidentialArea

HOUSEHOLDS_PER_CONTACT = 11  # a contact person links about 10-12 households with the police


class WatchState(models.TextChoices):
    OFFERED = "offered", _("Erbjudet")
    GATHERING = "gathering", _("Samlar hushåll")
    READY = "ready", _("Redo att starta")
    ACTIVE = "active", _("Aktivt")
    PAUSED = "paused", _("Vilande")
    ENDED = "ended", _("Avslutat")


class WatchAreaQuerySet(models.QuerySet):
    def public(self) -> WatchAreaQuerySet:
        return self.exclude(state=WatchState.ENDED)

    def active(self) -> WatchAreaQuerySet:
        return self.filter(state=WatchState.ACTIVE)


class WatchArea(GeometryFields):
    """An area offered neighbourhood watch: a residential area, part of one, or drawn anew."""

    name = models.CharField(_("namn"), max_length=100)
    slug = models.SlugField(_("kortnamn"), max_length=100, unique=True)
    residential_area = models.ForeignKey(
        ResidentialArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bostadsområde"),
    )
    households = models.PositiveIntegerField(_("hushåll i området"))
    threshold_percent = models.PositiveSmallIntegerField(_("andel som krävs (%)"), default=70)
    streets = models.TextField(
        _("gator"),
        help_text=_("En gata per rad. Anmälda adresser måste ligga på en av dem."),
    )
    state = models.CharField(
        _("läge"), max_length=10, choices=WatchState.choices, default=WatchState.OFFERED
    )
    offered = models.DateTimeField(_("erbjudet"), default=timezone.now)
    started = models.DateTimeField(_("startade"), null=True, blank=True)
    signs_ordered = models.DateField(_("skyltar beställda"), null=True, blank=True)
    signs_up = models.DateField(_("skyltar uppsatta"), null=True, blank=True)

    objects = WatchAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("grannsamverkansområde")
        verbose_name_plural = _("grannsamverkansområden")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=1, threshold_percent__lte=100),
                name="watch_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def street_list(self) -> list[str]:
        return [line.strip() for line in self.streets.splitlines() if line.strip()]

    @property
    def required_households(self) -> int:
        """Households needed: the threshold share, rounded up (70 % of 61 is 43, not 42)."""
        return -(-self.threshold_percent * self.households // 100)

    @property
    def contact_persons_needed(self) -> int:
        return max(1, math.ceil(self.households / HOUSEHOLDS_PER_CONTACT))


class AreaEvent(models.Model):
    """History of a watch area: state changes, corrected household counts, meetings."""

    class Kind(models.TextChoices):
        STATE = "state", _("Ändrat läge")
        HOUSEHOLDS = "households", _("Ändrat antal hushåll")
        CONTACT = "contact", _("Kontaktombud")
        MEETING = "meeting", _("Startmöte")
        SIGNS = "signs", _("Skyltar")
        NOTE = "note", _("Anteckning")

    area = models.ForeignKey(WatchArea, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_value = models.CharField(max_length=50, blank=True)
    to_value = models.CharField(max_length=50, blank=True)
    text = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]

    def _label(self, value: str) -> str:
        if self.kind == self.Kind.STATE and value in WatchState.values:
            return WatchState(value).label
        return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)


class ContactRole(models.TextChoices):
    NONE = "", _("Inget")
    VOLUNTEERED = "volunteered", _("Anmält intresse")
    APPROVED = "approved", _("Godkänt kontaktombud")
    LEAD = "lead", _("Huvudkontaktombud")


class HouseholdQuerySet(models.QuerySet):
    def confirmed(self) -> HouseholdQuerySet:
        return self.filter(confirmed__isnull=False)

    def contact_persons(self) -> HouseholdQuerySet:
        return self.confirmed().filter(contact_role__in=[ContactRole.APPROVED, ContactRole.LEAD])


class Household(models.Model):
    """One household's sign-up. Deleted, not kept, when it leaves."""

    area = models.ForeignKey(WatchArea, on_delete=models.CASCADE, related_name="households_set")
    street = models.CharField(_("gata"), max_length=100)
    number = models.CharField(_("nummer"), max_length=20)
    # Lower-cased "street number": one sign-up per household address.
    address_key = models.CharField(max_length=130, editable=False)
    name = models.CharField(_("namn"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    residents = models.PositiveSmallIntegerField(_("antal boende"), default=1)
    contact_role = models.CharField(
        _("kontaktombud"), max_length=12, choices=ContactRole.choices, blank=True, default=""
    )
    confirm_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    confirmed = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("hushåll")
        verbose_name_plural = _("hushåll")
        ordering = ["street", "number"]
        constraints = [
            # One confirmed sign-up per address; a new one waits unconfirmed until it replaces it.
            models.UniqueConstraint(
                fields=["area", "address_key"],
                condition=Q(confirmed__isnull=False),
                name="household_once",
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="household_reachable"
            ),
            models.CheckConstraint(
                condition=Q(residents__gte=1, residents__lte=50), name="household_residents_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.number}"

    @property
    def is_contact_person(self) -> bool:
        return self.contact_role in (ContactRole.APPROVED, ContactRole.LEAD)


class StartMeeting(models.Model):
    area = models.ForeignKey(WatchArea, on_delete=models.CASCADE, related_name="meetings")
    when = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200)
    police_staff = models.CharField(_("från polisen"), max_length=200, blank=True)
    municipal_staff = models.CharField(_("från kommunen"), max_length=200, blank=True)
    attended = models.ManyToManyField(
        Household, blank=True, related_name="meetings", verbose_name=_("kom till mötet")
    )
    held = models.BooleanField(_("genomfört"), default=False)

    class Meta:
        ordering = ["-when"]


class WatchMessage(models.Model):
    """A message from the police or the municipality to contact persons."""

    area = models.ForeignKey(
        WatchArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("område"),
    )
    alert = models.ForeignKey(
        NearRepeatAlert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("rubrik"), max_length=150)
    body = models.TextField(_("text"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]


class Delivery(models.Model):
    """One recipient of a message, with the outbox row that carries it."""

    message = models.ForeignKey(WatchMessage, on_delete=models.CASCADE, related_name="deliveries")
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    area = models.ForeignKey(WatchArea, on_delete=models.CASCADE, related_name="+")
    outgoing = models.ForeignKey(
        "lib.OutgoingMail", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    channel = models.CharField(max_length=5)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "household"], name="delivery_once"),
        ]
