"""The annual summary's bits shown on pages the summary does not own: the due date on the
staff overview and the archive of published summaries on the public page."""

from django import template
from django.utils import timezone

from tryggve.areas.selectors import home_municipality
from tryggve.followup import summary

register = template.Library()


@register.simple_tag
def published_summaries():
    return summary.published_summaries(home_municipality())


@register.inclusion_tag("followup/summary/_due.html")
def summary_due(promise):
    """The due date of the promise's summary this year; marked when within a month."""
    today = timezone.localdate()
    if promise is None or not promise.period_start <= today <= promise.period_end:
        return {"summary_due": None}
    due = summary.summary_due_date(promise, today.year)
    return {
        "summary_due": due if due >= today else None,
        "summary_soon": summary.summary_reminder(promise, today) is not None,
    }
