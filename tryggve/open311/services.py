"""Open311 workflows: API keys, and filing a report through the e-service's own service."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.lib.images import CleanImage
from tryggve.lib.tokens import hash_token, new_token
from tryggve.open311.models import ApiKey, Submission
from tryggve.reports.models import Category, Report
from tryggve.reports.services import report_add_update, report_create

# A repeat of the same device_id and description within this many minutes files nothing.
DUPLICATE_MINUTES = 10


def api_key_create(
    *,
    name: str,
    municipality: Municipality | None,
    requests_per_hour: int = 60,
    created_by=None,
) -> tuple[ApiKey, str]:
    """Create a key for a client system of `municipality` (None: the default one's, where
    no municipality is set up yet); returns it with the key itself, which is shown once and
    never stored (only its SHA-256)."""
    key = new_token()
    api_key = ApiKey.objects.create(
        municipality=municipality,
        name=name.strip(),
        key_hash=hash_token(key),
        prefix=key[:6],
        requests_per_hour=requests_per_hour,
        created_by=created_by,
    )
    return api_key, key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Stop a key from filing anything; what it filed stays."""
    ApiKey.objects.filter(pk=api_key.pk, revoked__isnull=True).update(revoked=timezone.now())
    api_key.refresh_from_db(fields=["revoked"])
    return api_key


def api_key_find(*, key: str, municipality: Municipality | None) -> ApiKey | None:
    """The active key with this value, of `municipality` (None: of any), or None: unknown,
    revoked, malformed, or another municipality's (a key files for its own only)."""
    if not key or len(key) > 200 or "\x00" in key:
        return None
    keys = ApiKey.objects.active().for_municipality(municipality)
    return keys.filter(key_hash=hash_token(key)).first()


def api_key_take_allowance(*, api_key: ApiKey) -> int:
    """Count one report against the key's hourly limit (a fixed window in the cache):
    0 while within it, otherwise the seconds until the next window."""
    now = time.time()
    window = int(now // 3600)
    cache_key = f"open311:key:{api_key.pk}:{window}"
    if not cache.add(cache_key, 1, timeout=3600 + 60):
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=3600 + 60)
            count = 1
        if count > api_key.requests_per_hour:
            cache.decr(cache_key)
            return max(1, math.ceil((window + 1) * 3600 - now))
    return 0


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def submission_token(report: Report) -> str:
    """The spec's token for a filed report: an HMAC of its reference under the secret key,
    so a repeat of the same POST answers with the same token; only its hash is stored."""
    return salted_hmac("tryggve.open311.token", report.reference, algorithm="sha256").hexdigest()[
        :40
    ]


def submission_repeat(*, api_key: ApiKey, device_id: str, description: str) -> Report | None:
    """The report this key filed with the same `device_id` and description within
    DUPLICATE_MINUTES (a retry after a lost answer), or None."""
    if not device_id:
        return None
    earlier = (
        Submission.objects.select_related("report")
        .filter(
            api_key=api_key,
            device_id=device_id,
            description_hash=_digest(description),
            created__gte=timezone.now() - timedelta(minutes=DUPLICATE_MINUTES),
        )
        .first()
    )
    return earlier.report if earlier is not None else None


@dataclass(frozen=True)
class Filed:
    report: Report
    token: str
    created: bool


def open311_report_file(
    *,
    api_key: ApiKey,
    category: Category,
    time_of_day: str,
    severity: int,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    place_description: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    photos: Sequence[CleanImage] = (),
    media_url: str = "",
    device_id: str = "",
) -> Filed:
    """File a report sent by an Open311 client through `reports.services.report_create`,
    the web form's own service, so it is numbered, placed, mailed and handled alike.

    The same key, `device_id` and description within DUPLICATE_MINUTES returns the first
    report (a retry after a lost answer). A `media_url` is never fetched: it is kept as an
    internal note for the case handler to open.
    """
    description_hash = _digest(description)
    with transaction.atomic():
        # One key's submissions one at a time, so two concurrent repeats cannot both file.
        ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
        earlier = submission_repeat(api_key=api_key, device_id=device_id, description=description)
        if earlier is not None:
            return Filed(earlier, submission_token(earlier), created=False)
        report, _tracking = report_create(
            category=category,
            time_of_day=time_of_day,
            severity=severity,
            description=description,
            lat=lat,
            lon=lon,
            place_description=place_description,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            photos=photos,
            client=api_key.name,
        )
        token = submission_token(report)
        Submission.objects.create(
            api_key=api_key,
            report=report,
            device_id=device_id,
            description_hash=description_hash,
            token_hash=hash_token(token),
        )
        if media_url:
            report_add_update(
                report=report,
                text=_(
                    "Länk till bild från %(client)s (inte hämtad, öppna med försiktighet): %(url)s"
                )
                % {"client": api_key.name, "url": media_url},
                to_resident=False,
                actor=None,
            )
        ApiKey.objects.filter(pk=api_key.pk).update(last_used=timezone.now())
        device_ids_forget()
    return Filed(report, token, created=True)


def device_ids_forget(*, now=None) -> int:
    """Blank the `device_id` of submissions older than DUPLICATE_MINUTES: it identifies the
    resident's device and ties their reports together, and is needed only to recognise a
    retry. Run with each new submission (one UPDATE of the few rows since the last)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=DUPLICATE_MINUTES)
    return (
        Submission.objects.filter(created__lt=cutoff).exclude(device_id="").update(device_id="")
    )
