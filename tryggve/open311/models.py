"""Open311 GeoReport v2: the API keys of other systems, and what each of them filed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality
from tryggve.reports.models import MunicipalityOwnedQuerySet


class ApiKeyQuerySet(MunicipalityOwnedQuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked__isnull=True)


class ApiKey(models.Model):
    """A client system's key for filing reports. Only the key's SHA-256 is stored; the key
    itself is shown once, when it is created.

    Each key is one municipality's: its administrators list and revoke it, and it files
    (and reads its own reports) at that municipality's address only. A key without one is
    the default municipality's, as every key was before several were served."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
        verbose_name=_("kommun"),
    )
    name = models.CharField(_("namn"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so staff can tell keys apart without the key.
    prefix = models.CharField(max_length=8, editable=False)
    requests_per_hour = models.PositiveIntegerField(_("rapporter per timme"), default=60)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used = models.DateTimeField(_("senast använd"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requests_per_hour__gte=1), name="apikey_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One report filed through Open311: which key sent it, and what a repeat would match.

    A client retrying after a lost answer sends the same `device_id` and description; within
    `DUPLICATE_MINUTES` that finds this row instead of filing the report twice. The token is
    the spec's temporary handle (`tokens/{token}`); only its SHA-256 is stored.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="open311_submission"
    )
    device_id = models.CharField(max_length=100, blank=True)
    # SHA-256 of the description as sent: the repeat check compares it, not the text.
    description_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(
                fields=["api_key", "device_id", "description_hash", "created"],
                name="open311_repeat_idx",
            )
        ]
