"""Today's figures on the staff start page, registered by the apps that own them.

`accounts` sits below `reports`, `analytics` and `watch`, so it cannot import their counts.
Each app registers its figures here when it is ready (in its AppConfig.ready), naming the
staff page whose roles may see the figure (`accounts.roles.PAGE_PERMISSIONS`), the page it
links to, and a function of its own that counts with one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tryggve.accounts.roles import PAGE_PERMISSIONS, may_open


@dataclass(frozen=True)
class Figure:
    key: str
    page: str
    label: str
    url_name: str
    query: str
    count: Callable[[], int]


FIGURES: dict[str, Figure] = {}


def register_figure(
    *, key: str, page: str, label, url_name: str, count: Callable[[], int], query: str = ""
) -> None:
    """Show `count()` to the roles of `page`, linked to `url_name` (with `?query`)."""
    if page not in PAGE_PERMISSIONS:
        raise KeyError(f"{page!r} is not a page in accounts.roles.PAGE_PERMISSIONS")
    FIGURES[key] = Figure(key, page, label, url_name, query, count)


def figures_for(roles: set[str]) -> list[dict]:
    """The figures these roles may see, counted now, in registration order."""
    shown = []
    for figure in FIGURES.values():
        if may_open(roles, figure.page):
            url = reverse(figure.url_name) + (f"?{figure.query}" if figure.query else "")
            shown.append(
                {"key": figure.key, "label": figure.label, "url": url, "count": figure.count()}
            )
    return shown
