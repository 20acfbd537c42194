"""The one guard for anonymous input: every public POST goes through it.

A public form (a report, an addition, "me too", a watch sign-up, and every future one such
as the survey or Open311's web twin) needs three things, nothing more:

1. The view::

       from tryggve.lib.guard import public_post

       @public_post("report")                    # a bucket named in PUBLIC_POST_LIMITS
       def report_new(request): ...

       @public_post("voice", rerender=False)     # a button without fields to keep
       def public_report_voice(request, reference): ...

   The bucket may also be a function of the request (``lambda r: ...``) when one view does
   two things. GET and HEAD pass straight through; any other method (PUT, DELETE, OPTIONS
   …) gets HTTP 405.

2. The form class, when the view has one::

       class ReportForm(GuardedForm, forms.Form): ...

   ``is_valid()`` is then False while the guard holds the request back, so the view renders
   its form bound to what was posted instead of saving it.

3. The template, inside every public ``<form method="post">``::

       {% load guard %}{% guard_fields %}

   It renders a hidden honeypot field and a signed timestamp of when the form was shown.
   ``base.html`` shows the guard's notice on top of the page.

What the guard does on a POST:

- **Bots**: a filled honeypot, or a form sent sooner than ``PUBLIC_FORM_MIN_SECONDS`` after it
  was shown (or without a valid timestamp), saves nothing. The sender gets HTTP 400 and the
  form back with one polite message that does not say which check tripped, so a person who
  was just very quick sends it again and it goes through.
- **Limits** per network address and bucket (``PUBLIC_POST_LIMITS``: count and seconds),
  counted in Django's cache; shared across processes when the cache is Redis (``CACHE_URL``).
  Only a keyed hash of the address is used, and nothing is written to the database. Past the
  limit: HTTP 429, ``Retry-After``, and the page's own form with what was typed and a notice
  saying when to try again (minutes and clock time). A POST counts when it succeeds: an
  answer below 400 whose guarded form was valid (so the report form's duplicate step, a
  valid form shown again, counts too; a form with errors does not).
- **While held back** (bot or limit) the view runs, if at all, inside a transaction that is
  rolled back, with messages muted; if it still answers with a redirect, a generic page
  replaces it that re-posts the same fields with one button. Files are not transactional,
  so the view sees no uploads then (``request.FILES`` is empty): nothing is decoded or
  written to disk; photos parked by earlier, accepted posts stay.
- **Earlier posts**: ``earlier_posts()`` tells the view how many accepted POSTs of its
  bucket came from the same address earlier in the window (the survey marks such an answer
  ``repeat_from_address`` and leaves it out of public counts; no address is kept), and
  ``seen_recently()`` whether one came less than a given time before, across the windows'
  boundaries.
- **Sender text**: the values posted are remembered for the request, and the outbox
  (``tryggve.lib.mail``) removes them from any mail or SMS queued while it runs, so nothing a
  stranger types can reach an unconfirmed address or a phone.
- **Recipients**: every mail or SMS queued during an accepted public POST counts for its
  recipient (``recipient_allowed``, bucket ``recipient``, counted per keyed hash of the
  address or number whatever network address sent the form); past the limit the outbox
  keeps the message unsent, so many clients together cannot flood a stranger's mailbox or
  phone with confirmation links and receipts.
- **Work a form does anyway**: a view or form may count work that is done even when its
  form comes back with errors (``take``: checking and keeping a photo) in a bucket of its
  own, since such a post does not use up the form's allowance.

The client address is ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies the
entry that many places from the right of ``X-Forwarded-For``; with the default 0 the header is
ignored, so a client cannot choose its own bucket. django-axes uses the same function
(``AXES_CLIENT_IP_CALLABLE``). An IPv6 client is counted by its /64 network.

Tests switch the bot checks off for the whole suite (``PUBLIC_POST_BOT_CHECKS``) so that older
tests may post plain dicts; the guard's own tests switch them on with the ``guard_on`` fixture.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import ipaddress
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from importlib import import_module

from django import forms
from django.conf import settings
from django.contrib.messages.storage.base import BaseStorage
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

HONEYPOT_FIELD = "ovrigt_falt"
STARTED_FIELD = "form_started"
# Posted values that are not the sender's words.
TECHNICAL_FIELDS = {"csrfmiddlewaretoken", HONEYPOT_FIELD, STARTED_FIELD, "submission_key"}
STAMP_SALT = "tryggve.lib.guard.started"
STAMP_MAX_AGE = 24 * 3600

BOT = "bot"
LIMIT = "limit"
# A public page is read (GET, HEAD) or its form is sent (POST); nothing else.
ALLOWED_METHODS = ["GET", "HEAD", "POST"]


@dataclass
class GuardState:
    bucket: str
    held: str = ""  # BOT or LIMIT while the request is held back
    retry_after: int = 0
    invalid: bool = False
    sender_texts: list[str] = field(default_factory=list)
    # Accepted POSTs of this bucket from the same address earlier in the current window.
    earlier: int = 0
    # The client's address (for `take`); never stored.
    address: str = ""


_state: contextvars.ContextVar[GuardState | None] = contextvars.ContextVar(
    "tryggve_guard", default=None
)


def current() -> GuardState | None:
    """The guard's state for the public POST being handled, if any."""
    return _state.get()


def earlier_posts() -> int:
    """How many POSTs of the same bucket the request's address made earlier in the limit's
    current window and that were accepted (0 outside a guarded POST). Nothing about the
    address is returned or kept: a form may only record that its sender was not the first
    from there (the survey's `Response.repeat_from_address`)."""
    state = _state.get()
    return state.earlier if state else 0


def sender_texts() -> list[str]:
    """What the anonymous sender typed in the request being handled (for the outbox)."""
    state = _state.get()
    return state.sender_texts if state else []


# The client's address ---------------------------------------------------------------------


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the trusted proxy's entry in X-Forwarded-For.

    With TRUSTED_PROXY_COUNT = n > 0, the n-th address from the right of X-Forwarded-For is
    the one the outermost trusted proxy saw; anything further left was written by the client.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                log.warning("Ignoring a malformed X-Forwarded-For entry")
    return remote


def _network(address: str) -> str:
    """The unit a limit counts: one IPv4 address, or one IPv6 /64 (what a household gets)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keyed(value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def _address_key(address: str) -> str:
    return _keyed(f"guard:{_network(address)}")


# Limits -----------------------------------------------------------------------------------


def limit_for(bucket: str) -> tuple[int, int]:
    limits = settings.PUBLIC_POST_LIMITS
    if bucket not in limits:
        raise KeyError(f"No PUBLIC_POST_LIMITS entry for the guard bucket {bucket!r}")
    count, seconds = limits[bucket]
    return int(count), int(seconds)


@dataclass
class _Counter:
    """A fixed-window counter per bucket and address hash, in Django's cache."""

    bucket: str
    address: str
    # What is counted when it is not a network address: already a keyed hash.
    who: str = ""

    def __post_init__(self):
        self.limit, self.period = limit_for(self.bucket)
        now = time.time()
        window = int(now // self.period)
        self.retry_after = max(1, math.ceil((window + 1) * self.period - now))
        self.key = f"guard:{self.bucket}:{self.who or _address_key(self.address)}:{window}"

    def reserve(self) -> bool:
        """Take one from the allowance; False (and nothing taken) when it is used up.
        `self.taken` is the count with this one (1: the first in the window)."""
        if cache.add(self.key, 1, timeout=self.period + 60):
            value = 1
        else:
            try:
                value = cache.incr(self.key)
            except ValueError:  # expired between add and incr
                cache.add(self.key, 1, timeout=self.period + 60)
                value = 1
        self.taken = value
        if value > self.limit:
            self.release()
            return False
        return True

    def release(self) -> None:
        with contextlib.suppress(ValueError):  # the window has just expired
            cache.decr(self.key)


# Bot checks -------------------------------------------------------------------------------


def new_stamp() -> str:
    return signing.dumps(int(time.time()), salt=STAMP_SALT)


def stamp_age(value: str) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or stale stamp."""
    if not value:
        return None
    try:
        shown = signing.loads(value, salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
    except signing.BadSignature:
        return None
    return time.time() - float(shown)


def _looks_automated(request) -> bool:
    if request.POST.get(HONEYPOT_FIELD, ""):
        return True
    age = stamp_age(request.POST.get(STARTED_FIELD, ""))
    return age is None or age < settings.PUBLIC_FORM_MIN_SECONDS


def _posted_texts(request) -> list[str]:
    texts = []
    for name, values in request.POST.lists():
        if name in TECHNICAL_FIELDS:
            continue
        for value in values:
            value = value.strip()
            if len(value) >= 3 and not _is_number(value):
                texts.append(value)
    return texts


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True


# The decorator ----------------------------------------------------------------------------


class _MutedMessages(BaseStorage):
    """Messages a held-back view adds ("Tack!") are dropped: nothing was done."""

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


def public_post(bucket, *, rerender: bool = True):
    """Guard an anonymous view's POST: bot checks, a limit per address, sender text tracked.

    `bucket` names an entry of PUBLIC_POST_LIMITS (or is a function of the request giving
    one). With `rerender` the view is asked to render its form again, bound to what was
    posted, while the request is held back; without it (a bare button), the guard's own page
    answers.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ALLOWED_METHODS:
                return HttpResponseNotAllowed(ALLOWED_METHODS)
            if request.method != "POST":
                return view(request, *args, **kwargs)
            name = bucket(request) if callable(bucket) else bucket
            state = GuardState(bucket=name, address=client_ip(request))
            reset = _state.set(state)
            try:
                if settings.PUBLIC_POST_BOT_CHECKS and _looks_automated(request):
                    log.info("Public POST held back by the bot checks (%s)", name)
                    state.held = BOT
                    return _held(view, request, args, kwargs, state, rerender)
                counter = _Counter(name, state.address)
                if not counter.reserve():
                    log.info("Public POST over the limit (%s)", name)
                    state.held, state.retry_after = LIMIT, counter.retry_after
                    return _held(view, request, args, kwargs, state, rerender)
                state.sender_texts = _posted_texts(request)
                state.earlier = max(0, counter.taken - 1)
                response = view(request, *args, **kwargs)
                if response.status_code >= 400 or state.invalid:
                    counter.release()
                return response
            finally:
                _state.reset(reset)

        wrapped.public_post_guard = bucket
        return wrapped

    return decorator


def public_post_limit(bucket: str):
    """Only the per-address limit, for an anonymous POST that no person fills in.

    For machine endpoints such as the browser's CSP reports, which carry no honeypot or
    timestamp: every POST counts, and past the limit the answer is a bare 429 with
    Retry-After. Marked like `public_post`, so the coverage test sees it is guarded.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ALLOWED_METHODS:
                return HttpResponseNotAllowed(ALLOWED_METHODS)
            if request.method == "POST":
                wait = post_allowance(bucket, request)
                if wait:
                    response = HttpResponse(status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        wrapped.public_post_guard = bucket
        return wrapped

    return decorator


def post_allowance(bucket: str, request) -> int:
    """Count one POST of `bucket` from the request's address: 0 while within the limit,
    otherwise the seconds to wait (nothing counted). For machine endpoints that answer in
    their own format (Open311's error list); such a view sets `public_post_guard` itself."""
    counter = _Counter(bucket, client_ip(request))
    return 0 if counter.reserve() else counter.retry_after


def take(bucket: str) -> int:
    """Count one unit of `bucket` for the address of the public POST being handled, whatever
    becomes of the post: for work done even when the form comes back with errors (which uses
    up none of the form's allowance), such as checking and keeping a photo. 0 while within
    the bucket's limit, otherwise the seconds to wait (nothing counted). Outside a guarded
    POST, or while the guard holds it back (nothing is done then), always 0."""
    state = _state.get()
    if state is None or state.held:
        return 0
    counter = _Counter(bucket, state.address)
    return 0 if counter.reserve() else counter.retry_after


def seen_recently(bucket: str, seconds: int) -> bool:
    """Whether the address of the public POST being handled sent one of `bucket` less than
    `seconds` before the previous one (a sliding memory, unlike the limits' fixed windows:
    two answers a second apart on either side of the hour are still one address's), and
    remember this one. Only a keyed hash of the address is kept, in the cache, for
    `seconds`. False outside a guarded POST. Call it only for a post that is accepted."""
    state = _state.get()
    if state is None or state.held:
        return False
    key = f"guard:seen:{bucket}:{_address_key(state.address)}"
    if cache.touch(key, seconds):
        return True
    cache.set(key, 1, seconds)
    return False


RECIPIENT_BUCKET = "recipient"


def recipient_allowed(recipient: str) -> bool:
    """Whether a message to `recipient` (an e-mail address or a normalised phone number) may
    be queued. Outside an accepted public POST always; during one, each message counts for
    its recipient in the bucket `recipient`, whichever network address sent the form, so
    that many clients together cannot flood one stranger's mailbox or phone through our
    confirmation mails and receipts. Only a keyed hash of the recipient is counted."""
    state = _state.get()
    if state is None or state.held:
        return True
    who = _keyed(f"recipient:{_mailbox(recipient)}")
    return _Counter(RECIPIENT_BUCKET, "", who=who).reserve()


def _mailbox(recipient: str) -> str:
    """One spelling per mailbox, for counting only (mail still goes to the address given):
    case, a "+tag" (anna+1@…, anna+2@… reach anna@…), and Gmail's dots (a.nna@gmail.com)."""
    local, at, domain = recipient.strip().lower().rpartition("@")
    if not at:
        return recipient.strip().lower()
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def notice(state: GuardState, typed: bool = True) -> str:
    """What the held-back visitor reads on top of the page (`typed`: the form had text)."""
    if state.held == LIMIT:
        minutes = max(1, math.ceil(state.retry_after / 60))
        at = timezone.localtime(timezone.now() + timedelta(seconds=state.retry_after))
        text = ngettext(
            "Du har skickat många formulär härifrån på kort tid, så vi tar inte emot fler just "
            "nu. Försök igen om %(minutes)s minut, klockan %(time)s.",
            "Du har skickat många formulär härifrån på kort tid, så vi tar inte emot fler just "
            "nu. Försök igen om %(minutes)s minuter, klockan %(time)s.",
            minutes,
        ) % {"minutes": minutes, "time": at.strftime("%H:%M")}
    else:
        text = _("Vi kunde inte ta emot formuläret. Kontrollera uppgifterna och skicka det igen.")
    if not typed:
        return text
    return text + " " + _("Det du skrev finns kvar.")


def _held(view, request, args, kwargs, state: GuardState, rerender: bool):
    status = 429 if state.held == LIMIT else 400
    request.guard_notice = notice(state, typed=bool(_posted_texts(request)))
    response = None
    if rerender:
        # The view shows its form again (GuardedForm is invalid now); whatever else it does
        # is rolled back and its messages are dropped.
        request._messages = _MutedMessages(request)
        session = getattr(request, "session", None)
        kept = dict(session.items()) if session is not None else {}
        new_session = session is not None and session.session_key is None
        # Files are not rolled back: the view must not decode or park new uploads.
        request._files = MultiValueDict()
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            transaction.set_rollback(True)
        if new_session and session.session_key is not None:
            # The view saved a new session inside the rollback, so its row is gone: a fresh
            # one instead, which the middleware saves only if it holds anything. A held-back
            # post from a client without a session cookie (a bot, or one past its limit)
            # writes nothing; saving the session up front wrote a row for each such post.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            request.session.update(kept)
        elif session is not None:
            session.clear()
            session.update(kept)
        if response.status_code >= 300:
            response = None
    if response is None:
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in {"csrfmiddlewaretoken", HONEYPOT_FIELD, STARTED_FIELD}
            for value in values
        ]
        response = render(request, "guard/held.html", {"fields": fields, "action": request.path})
    response.status_code = status
    if state.held == LIMIT:
        response["Retry-After"] = str(state.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class SubmissionKeyField(forms.UUIDField):
    """The hidden key that makes a double submit save once. A tampered value is nobody's
    typing mistake and has no visible field to correct: it counts as no key (that POST is
    then saved without the double-submit check), never as an error message."""

    widget = forms.HiddenInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class GuardedForm:
    """Mixin for a public form: invalid while the guard holds the request back.

    Put it first: ``class SignUpForm(GuardedForm, forms.Form)``.
    """

    def is_valid(self) -> bool:
        valid = super().is_valid()
        state = _state.get()
        if state is None:
            return valid
        if not valid:
            state.invalid = True
        return valid and not state.held
