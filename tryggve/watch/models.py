from __future__ import annotations

import math
import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.analytics.models import NearRepeatAlert
from tryggve.areas.models import (
    GeometryFields,
    Municipality,
    OwnMunicipalityQuerySet,
    ResidentialArea,
)
from tryggve.lib.models import OutgoingMail
from tryggve.lib.validators import validate_one_line

HOUSEHOLDS_PER_CONTACT = 11  # a contact person links about 10-12 households with the police


# A house number as people write it: 12, 12 B, 12B lgh 1101.
HOUSE_NUMBER_RE = re.compile(r"^(?P<n>\d{1,4})\s?[A-Za-zÅÄÖåäö]?(\s?lgh\s?\d{1,5})?$")
# No street in a town of Arvidsjaur's size runs this high; a street line may narrow it with a
# range ("Storgatan 1-45"). 1-9999 was accepted before, which let one client invent households.
MAX_HOUSE_NUMBER = 300
STREET_RANGE_RE = re.compile(r"^(?P<name>.*?\S)\s+(?P<low>\d{1,4})\s*[-–]\s*(?P<high>\d{1,4})$")
# Sign-ups this close together in one area look machine-made; staff see them flagged.
BURST_SIGNUPS = 5
BURST_MINUTES = 10


class WatchState(models.TextChoices):
    OFFERED = "offered", _("Erbjudet")
    GATHERING = "gathering", _("Samlar hushåll")
    READY = "ready", _("Redo att starta")
    ACTIVE = "active", _("Aktivt")
    PAUSED = "paused", _("Vilande")
    ENDED = "ended", _("Avslutat")


# States in which households may sign up, and in which the area's state follows its sign-ups.
ACCEPTING_STATES = (WatchState.OFFERED, WatchState.GATHERING, WatchState.READY, WatchState.ACTIVE)
GATHERING_STATES = (WatchState.OFFERED, WatchState.GATHERING, WatchState.READY)


def normalise_email(email: str) -> str:
    """One spelling per address, so one mailbox cannot count as several households."""
    return email.strip().lower()


def normalise_phone(phone: str) -> str:
    """A Swedish number in one form (+46701234567), whatever spaces, dashes or 0/0046 prefix."""
    digits = re.sub(r"[\s()\-]", "", phone.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    elif digits and not digits.startswith("+"):
        digits = "+" + digits
    return digits


class ContactRole(models.TextChoices):
    NONE = "", _("Inget")
    VOLUNTEERED = "volunteered", _("Anmält intresse")
    APPROVED = "approved", _("Godkänt kontaktombud")
    LEAD = "lead", _("Huvudkontaktombud")


CONTACT_PERSON_ROLES = (ContactRole.APPROVED, ContactRole.LEAD)


class WatchAreaQuerySet(OwnMunicipalityQuerySet):
    area_path = "residential_area"

    def public(self) -> WatchAreaQuerySet:
        return self.exclude(state=WatchState.ENDED)

    def active(self) -> WatchAreaQuerySet:
        return self.filter(state=WatchState.ACTIVE)

    def with_progress(self) -> WatchAreaQuerySet:
        """Confirmed, reviewed, required and missing households and contact persons, counted
        in the same query, so a list of areas costs one query however many areas it has."""
        confirmed = Q(households_set__confirmed__isnull=False)
        required = ExpressionWrapper(
            (F("threshold_percent") * F("households") + Value(99)) / Value(100),
            output_field=IntegerField(),
        )
        return self.annotate(
            n_confirmed=Count("households_set", filter=confirmed, distinct=True),
            n_reviewed=Count(
                "households_set",
                filter=confirmed
                & Q(signups_reviewed__isnull=False)
                & Q(households_set__confirmed__lte=F("signups_reviewed")),
                distinct=True,
            ),
            n_contacts=Count(
                "households_set",
                filter=confirmed & Q(households_set__contact_role__in=CONTACT_PERSON_ROLES),
                distinct=True,
            ),
            n_required=required,
        ).annotate(n_missing=Greatest(F("n_required") - F("n_confirmed"), Value(0)))


class WatchArea(GeometryFields):
    """An area offered neighbourhood watch: a residential area, part of one, or drawn anew."""

    name = models.CharField(_("namn"), max_length=100, validators=[validate_one_line])
    slug = models.SlugField(_("kortnamn"), max_length=100, unique=True)
    # Its own column, not the residential area's: an area drawn anew has none, and a
    # residential area deleted later leaves the watch area (SET_NULL) in its municipality.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("kommun"),
    )
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
        _("status"), max_length=10, choices=WatchState.choices, default=WatchState.OFFERED
    )
    offered = models.DateTimeField(_("erbjudet"), default=timezone.now)
    started = models.DateTimeField(_("startade"), null=True, blank=True)
    signs_ordered = models.DateField(_("skyltar beställda"), null=True, blank=True)
    signs_up = models.DateField(_("skyltar uppsatta"), null=True, blank=True)
    # When staff last looked through the sign-ups; households confirmed later are not yet
    # reviewed and do not bring the area to "ready".
    signups_reviewed = models.DateTimeField(_("anmälningar granskade"), null=True, blank=True)

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
    def municipality_code(self) -> str:
        """Its municipality's code, as `areas.models.of_own_municipality` decides: its own
        column, else its residential area's, else the default municipality's."""
        if self.municipality_id:
            return self.municipality.code
        if self.residential_area_id:
            return self.residential_area.municipality.code
        return settings.MUNICIPALITY_CODE

    @property
    def street_ranges(self) -> dict[str, tuple[int, int]]:
        """Street name -> the house numbers it has (1 to MAX_HOUSE_NUMBER unless the line gives
        a range, as in "Storgatan 1-45")."""
        ranges = {}
        for line in self.streets.splitlines():
            line = " ".join(line.split())
            if not line:
                continue
            found = STREET_RANGE_RE.match(line)
            if found:
                low, high = sorted((int(found["low"]), int(found["high"])))
                ranges[found["name"]] = (max(low, 1), high)
            else:
                ranges[line] = (1, MAX_HOUSE_NUMBER)
        return ranges

    @property
    def street_list(self) -> list[str]:
        return list(self.street_ranges)

    def house_number_problem(self, street: str, number: str) -> str:
        """Why this house number cannot be on this street ("" when it can)."""
        found = HOUSE_NUMBER_RE.match(" ".join(number.split()))
        if not found:
            return _("Skriv husnumret med siffror, till exempel 12 eller 12 B.")
        ranges = {name.lower(): bounds for name, bounds in self.street_ranges.items()}
        low, high = ranges.get(" ".join(street.lower().split()), (1, MAX_HOUSE_NUMBER))
        if not low <= int(found["n"]) <= high:
            return _("Det finns inget nummer %(n)s på gatan här (%(low)s–%(high)s).") % {
                "n": found["n"],
                "low": low,
                "high": high,
            }
        return ""

    @property
    def required_households(self) -> int:
        """Households needed: the threshold share, rounded up (70 % of 61 is 43, not 42)."""
        return -(-self.threshold_percent * self.households // 100)

    @property
    def contact_persons_needed(self) -> int:
        return max(1, math.ceil(self.households / HOUSEHOLDS_PER_CONTACT))

    @property
    def accepts_sign_ups(self) -> bool:
        return self.state in ACCEPTING_STATES

    @property
    def is_gathering(self) -> bool:
        """Still collecting households: the progress towards the threshold is shown."""
        return self.state in GATHERING_STATES

    @property
    def is_active(self) -> bool:
        return self.state == WatchState.ACTIVE

    @property
    def progress(self) -> dict:
        """Confirmed households against the threshold, and contact persons against the need.
        Uses the counts of `with_progress()` when the area came from it, else one query."""
        if not hasattr(self, "n_confirmed"):
            counted = WatchArea.objects.with_progress().filter(pk=self.pk).first()
            for name in ("n_confirmed", "n_reviewed", "n_contacts"):
                setattr(self, name, getattr(counted, name) if counted else 0)
        confirmed, required = self.n_confirmed, self.required_households
        return {
            "confirmed": confirmed,
            "reviewed": self.n_reviewed,
            "required": required,
            "missing": max(0, required - confirmed),
            "contacts": self.n_contacts,
            "contacts_missing": max(0, self.contact_persons_needed - self.n_contacts),
            "reached": confirmed >= required,
            "reviewed_reached": self.n_reviewed >= required,
            "percent": round(100 * confirmed / self.households) if self.households else 0,
        }


class AreaEvent(models.Model):
    """History of a watch area: state changes, corrected household counts, meetings."""

    class Kind(models.TextChoices):
        STATE = "state", _("Ändrad status")
        HOUSEHOLDS = "households", _("Ändrat antal hushåll")
        CONTACT = "contact", _("Kontaktombud")
        MEETING = "meeting", _("Startmöte")
        SIGNS = "signs", _("Skyltar")
        NOTE = "note", _("Anteckning")
        REVIEW = "review", _("Granskade anmälningar")
        HOUSEHOLD = "household", _("Hushåll")

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


class HouseholdQuerySet(models.QuerySet):
    def confirmed(self) -> HouseholdQuerySet:
        return self.filter(confirmed__isnull=False)

    def contact_persons(self) -> HouseholdQuerySet:
        return self.confirmed().filter(contact_role__in=CONTACT_PERSON_ROLES)

    def sharing_contact(self, *, email: str = "", phone: str = "") -> HouseholdQuerySet:
        """Confirmed households that proved this (normalised) e-mail address or phone number.

        The confirmation link goes to the e-mail when a sign-up gives both, so a phone number
        beside an e-mail was never proven: it neither counts as the household's nor keeps the
        number's real owner out.
        """
        match = Q(pk__in=[])
        if email:
            match |= Q(email=email)
        if phone:
            match |= Q(phone=phone, email="")
        return self.confirmed().filter(match)


class Household(models.Model):
    """One household's sign-up. Deleted, not kept, when it leaves."""

    area = models.ForeignKey(WatchArea, on_delete=models.CASCADE, related_name="households_set")
    street = models.CharField(_("gata"), max_length=100, validators=[validate_one_line])
    number = models.CharField(_("nummer"), max_length=20)
    # Lower-cased "street number": one sign-up per household address.
    address_key = models.CharField(max_length=130, editable=False)
    name = models.CharField(_("namn"), max_length=100, validators=[validate_one_line])
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    contact_role = models.CharField(
        _("kontaktombud"), max_length=12, choices=ContactRole.choices, blank=True, default=""
    )
    # The household agreed that its contact person may see its e-mail and phone, not only
    # its name.
    share_contact = models.BooleanField(
        _("delar kontaktuppgifter med kontaktombudet"), default=False
    )
    responsible = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("kontaktombud för hushållet"),
    )
    confirm_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    confirmed = models.DateTimeField(_("bekräftad"), null=True, blank=True)
    # Confirmed from its own mailbox, but the address already has a confirmed household: the
    # sign-up waits until that household agrees (handover link) or staff replace it.
    awaiting_handover = models.DateTimeField(
        _("väntar på hushållet på adressen"), null=True, blank=True
    )
    handover_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
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
            # One mailbox or phone confirms at most one household in the whole system, so one
            # person cannot fill an area (stored normalised: normalise_email/normalise_phone).
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(confirmed__isnull=False) & ~Q(email=""),
                name="household_email_once",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(confirmed__isnull=False) & ~Q(phone="") & Q(email=""),
                name="household_phone_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.number}"

    @property
    def proven_contact(self) -> dict:
        """The one channel the confirmation link went to (see `_send` in services)."""
        return {"email": self.email} if self.email else {"phone": self.phone}

    @property
    def is_contact_person(self) -> bool:
        return self.contact_role in CONTACT_PERSON_ROLES

    @property
    def is_waiting(self) -> bool:
        return self.confirmed is None and self.awaiting_handover is not None

    def confirm_expired(self, now=None, days: int = 7) -> bool:
        """An unconfirmed sign-up's link is valid for `days` days."""
        now = now or timezone.now()
        return self.confirmed is None and self.created < now - timedelta(days=days)

    @property
    def natural_key(self) -> tuple:
        """Street, then house number as a number: "Kyrkogatan 11" before "Kyrkogatan 101"."""
        found = re.match(r"\d+", self.number)
        return (self.street.lower(), int(found.group()) if found else 0, self.number.lower())


def flag_bursts(households) -> set[int]:
    """The sign-ups that came in a burst: BURST_SIGNUPS or more in one area within
    BURST_MINUTES. Machine-made sign-ups look like this; it needs no network address."""
    window = timedelta(minutes=BURST_MINUTES)
    flagged: set[int] = set()
    by_area: dict[int, list] = {}
    for household in households:
        by_area.setdefault(household.area_id, []).append(household)
    for rows in by_area.values():
        rows.sort(key=lambda h: h.created)
        start = 0
        for end, household in enumerate(rows):
            while household.created - rows[start].created > window:
                start += 1
            if end - start + 1 >= BURST_SIGNUPS:
                flagged.update(h.pk for h in rows[start : end + 1])
    return flagged


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
    channel = models.CharField(max_length=5, choices=OutgoingMail.Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "household"], name="delivery_once"),
        ]
