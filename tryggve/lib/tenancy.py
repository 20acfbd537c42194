"""Which municipality the code running now serves: one deployment, several municipalities.

A request is answered for one municipality, chosen by `tryggve.areas.middleware` from the
host name or the first path segment; that choice is held here, in a context variable, so
that code far from the request (`tryggve.areas.selectors.home_municipality()`, the
absolute-link helper) follows it without being handed it. Outside a request (management
commands, background tasks) nothing is chosen and the default municipality,
`settings.MUNICIPALITY_CODE`, is served; `serving(code)` chooses one explicitly.

The staff access rule (which staff user may use which municipality's staff pages) is
written in `tryggve.areas.access` and registered here when the apps load, so that
`tryggve.accounts.access.staff_required` can ask it without importing a layer beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class Serving:
    """The municipality being served: its code, how it was chosen, and a per-request memo."""

    code: str
    # Its own host name when chosen by host (links then point there), else "".
    host: str = ""
    # "/arjeplog" when chosen by a path segment on a shared host, else "".
    prefix: str = ""
    # What `tryggve.areas` looked up once for this request (the municipality row).
    memo: dict = field(default_factory=dict)


_serving: ContextVar[Serving | None] = ContextVar("tryggve_serving", default=None)


def current() -> Serving | None:
    return _serving.get()


def current_code() -> str:
    """The municipality code being served now: the request's, else the default."""
    serving_now = _serving.get()
    return serving_now.code if serving_now else settings.MUNICIPALITY_CODE


def begin(serving_now: Serving):
    return _serving.set(serving_now)


def end(token) -> None:
    _serving.reset(token)


@contextlib.contextmanager
def serving(code: str, *, host: str = "", prefix: str = "") -> Iterator[Serving]:
    """Serve municipality `code` inside the block (a command, a task, a test)."""
    chosen = Serving(code=code, host=host, prefix=prefix)
    token = _serving.set(chosen)
    try:
        yield chosen
    finally:
        _serving.reset(token)


# The staff access rule: (user, area_wide) -> may this user use the current municipality's
# staff pages? `area_wide` says the user holds a role that sees the whole police area.
StaffRule = Callable[..., bool]
_staff_rule: list[StaffRule] = []


def register_staff_rule(rule: StaffRule, *, home_elsewhere: Callable | None = None) -> None:
    """`rule` decides staff access; `home_elsewhere(user, request)` gives the address of
    the staff start page on a site the user may use, for one who logged in at another's."""
    _staff_rule[:] = [rule]
    _home_elsewhere[:] = [home_elsewhere] if home_elsewhere else []


_home_elsewhere: list[Callable] = []


def staff_home_elsewhere(user, request=None) -> str | None:
    """The staff start page of a municipality `user` may use, when not the one served now
    (None without such a municipality or a registered rule)."""
    return _home_elsewhere[0](user, request) if _home_elsewhere else None


def staff_may_use(user, *, area_wide: bool, code: str | None = None) -> bool:
    """May `user` use the staff pages of the municipality served now (or of `code`)?
    Without a registered rule (no municipalities app) everyone may, as in a
    single-municipality deployment."""
    if not _staff_rule:
        return True
    return _staff_rule[0](user, area_wide=area_wide, code=code)
