"""The public page /medborgarloften/: the promise in plain Swedish, each commitment with its
activities and the progress staff published, and earlier years' promises as an archive."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tryggve.areas.selectors import home_municipality
from tryggve.followup.feedback import headline_indicators, you_said_we_did
from tryggve.followup.models import Activity, ActivityUpdate, Commitment, Promise, covering


def _public_commitments(promise: Promise | None) -> list[Commitment]:
    """The commitments with their activities and only the published progress updates."""
    if promise is None:
        return []
    updates = ActivityUpdate.objects.published().order_by("-date", "-id")
    activities = Activity.objects.order_by("planned_start", "id").prefetch_related(
        Prefetch("updates", updates, to_attr="public_updates")
    )
    return list(promise.commitments.prefetch_related(Prefetch("activities", activities)))


def _page(request: HttpRequest, promise: Promise | None, promises: list[Promise], *, current=False):
    municipality = home_municipality()
    code = municipality.code if municipality else ""
    context = {
        "you_said": you_said_we_did(promise=promise, municipality_code=code) if promise else None,
        "headlines": (
            headline_indicators(municipality_code=code, today=timezone.localdate())
            if current and municipality
            else []
        ),
        "promise": promise,
        "signatories": promise.signatories.all() if promise else [],
        "commitments": _public_commitments(promise),
        "archive": [p for p in promises if promise is None or p.pk != promise.pk],
    }
    return render(request, "followup/public.html", context)


@require_safe
def public_promise(request: HttpRequest) -> HttpResponse:
    promises = list(Promise.objects.for_municipality(home_municipality()).published())
    return _page(request, covering(promises, timezone.localdate()), promises, current=True)


@require_safe
def public_promise_archived(request: HttpRequest, promise_pk: int) -> HttpResponse:
    promises = list(Promise.objects.for_municipality(home_municipality()).published())
    promise = get_object_or_404(
        Promise.objects.for_municipality(home_municipality()).published(), pk=promise_pk
    )
    return _page(request, promise, promises)
