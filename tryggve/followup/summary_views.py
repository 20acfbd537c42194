"""The annual written summary: its staff page (the sections staff write, downloads, publish)
and the public archive of published summaries (PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import may_open
from tryggve.areas.selectors import home_municipality
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.followup.documents import CONTENT_TYPES, FORMATS, filename, render_summary
from tryggve.followup.forms import SummaryTextsForm
from tryggve.followup.models import Promise, PublishedSummary, SummaryText
from tryggve.followup.permissions import FOLLOWUP_EDIT, FOLLOWUP_READ
from tryggve.followup.services import summary_publish, summary_texts_save, summary_withdraw
from tryggve.followup.summary import (
    current_published,
    current_texts,
    promise_for_year,
    summary_due_date,
)

readers = staff_required(FOLLOWUP_READ)
editors = staff_required(FOLLOWUP_EDIT)


def _promise(year: int) -> Promise:
    """This municipality's promise for the year; no promise (or another municipality's
    year) is a 404."""
    promise = promise_for_year(home_municipality(), year)
    if promise is None:
        raise Http404
    return promise


def _page(request, promise: Promise, year: int, form=None, status: int = 200) -> HttpResponse:
    context = {
        "promise": promise,
        "year": year,
        "due": summary_due_date(promise, year),
        "form": form or SummaryTextsForm(initial=current_texts(promise, year)),
        "history": SummaryText.objects.filter(promise=promise, year=year).select_related("author")[
            :30
        ],
        "published": PublishedSummary.objects.filter(promise=promise, year=year).select_related(
            "published_by", "withdrawn_by"
        )[:20],
        "current": current_published(promise, year) if promise.published else None,
        "formats": FORMATS,
        "can_edit": may_open(request.roles, FOLLOWUP_EDIT),
    }
    return render(request, "followup/summary/page.html", context, status=status)


@readers
@require_safe
def summary_page(request: HttpRequest, year: int) -> HttpResponse:
    promise = promise_for_year(home_municipality(), year)
    if promise is None and year == timezone.localdate().year:
        # The menu links here for this year: a municipality without this year's promise
        # (a new deployment, or January before the promise is signed) reads why, not a 404.
        return render(request, "followup/summary/page.html", {"year": year, "promise": None})
    if promise is None:
        raise Http404
    return _page(request, promise, year)


@readers
@require_safe
def summary_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The internal summary generated now. Its dialogue notes may name residents who took
    part, so the export is written to the access log."""
    if fmt not in FORMATS:
        raise Http404
    promise = _promise(year)
    data = render_summary(promise=promise, year=year, today=timezone.localdate(), fmt=fmt)
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        purpose=AccessLog.Purpose.FOLLOWUP,
        subject=f"Årlig sammanfattning {year} ({fmt}, intern version)",
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(promise, year, fmt)}"'
    return response


@editors
@require_POST
def summary_texts_view(request: HttpRequest, year: int) -> HttpResponse:
    promise = _promise(year)
    form = SummaryTextsForm(request.POST)
    if not form.is_valid():
        return _page(request, promise, year, form=form, status=400)
    summary_texts_save(promise=promise, year=year, texts=form.cleaned_data, author=request.user)
    messages.success(request, _("Texterna är sparade."))
    return redirect("followup:summary", year=year)


@editors
@require_POST
def summary_publish_view(request: HttpRequest, year: int) -> HttpResponse:
    promise = _promise(year)
    summary_publish(promise=promise, year=year, actor=request.user, today=timezone.localdate())
    messages.success(request, _("Sammanfattningen är publicerad i arkivet."))
    return redirect("followup:summary", year=year)


@editors
@require_POST
def summary_withdraw_view(request: HttpRequest, year: int, summary_pk: int) -> HttpResponse:
    """Withdraw a published summary from the public archive (kept for staff)."""
    published = _published(year, summary_pk)
    if summary_withdraw(published=published, actor=request.user):
        messages.success(request, _("Sammanfattningen är avpublicerad."))
    return redirect("followup:summary", year=year)


def _published(year: int, summary_pk: int) -> PublishedSummary:
    """A published summary of this municipality for the year, withdrawn or not; another
    municipality's is a 404."""
    return get_object_or_404(
        PublishedSummary.objects.for_municipality(home_municipality())
        .filter(year=year)
        .select_related("promise__municipality"),
        pk=summary_pk,
    )


def _pdf(published: PublishedSummary) -> FileResponse:
    return FileResponse(
        published.pdf.open("rb"),
        content_type="application/pdf",
        filename=filename(published.promise, published.year, "pdf"),
    )


@readers
@require_safe
def summary_published_pdf(request: HttpRequest, year: int, summary_pk: int) -> FileResponse:
    """Any published version, also a replaced or withdrawn one, for staff."""
    return _pdf(_published(year, summary_pk))


@require_safe
def public_summary_pdf(request: HttpRequest, summary_pk: int) -> FileResponse:
    """A published summary's PDF, only of a published promise of this municipality and only
    the newest of its year that was not withdrawn; any other is a 404."""
    published = get_object_or_404(
        PublishedSummary.objects.for_municipality(home_municipality()).filter(
            promise__published=True, withdrawn__isnull=True
        ),
        pk=summary_pk,
    )
    if current_published(published.promise, published.year) != published:
        raise Http404
    return _pdf(published)
