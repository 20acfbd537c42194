"""One page of a long list, chosen by a number from the query string."""

from __future__ import annotations

from django.core.paginator import Page, Paginator


def page_of(items, *, per_page: int, number: str | None) -> Page:
    """The page `number` of `items`, or the nearest one there is: the first for text or a
    number below 1, the last for one beyond the end (Django's `get_page` gives the last for
    0 and below). Never an error, whatever a link or a hand-edited address says."""
    paginator = Paginator(items, per_page)
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    return paginator.page(min(max(wanted, 1), paginator.num_pages))
