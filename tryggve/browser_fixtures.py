"""Fixtures for the browser tests: one headless Debian Chromium per session, a live server
with the Arvidsjaur geography, and pages that can never reach the network.

Imported once by tryggve/conftest.py, so every app's browser tests share the one browser:
a second session fixture would start a second Playwright inside the first one's loop."""

from __future__ import annotations

import importlib
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test (setting up data, checking results) would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Where the screenshots for people to look at go; "off" takes none (CI's second pass: the
# first took them, and full-page screenshots are about a tenth of a browser test's time).
SHOTS = os.environ.get("TRYGGVE_SHOTS", "/tmp/shots")
# An address that cannot resolve; every request to it is aborted anyway (see `_local_only`).
TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# A common laptop: staff pages must fit it without sideways scrolling.
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
# Every axe check runs at both widths and in both languages (see `blocking_violations`).
AXE_WIDTHS = (PHONE["viewport"]["width"], DESKTOP["viewport"]["width"])
AXE_LANGUAGES = ("sv", "en")
# The other language is checked at the phone's width only: its longer words break a
# narrow layout, not a wide one, and each axe run costs seconds in CI.
AXE_TWIN_WIDTHS = (PHONE["viewport"]["width"],)
# ... and without the colour-contrast rule: both languages are drawn by the same stylesheet,
# so their colours are the same, and that rule is about three quarters of an axe run's time
# (measured: 3.5 of 4.7 s on a results page of 5,000 elements).
AXE_OPTIONS = {"resultTypes": ["violations"]}
AXE_TWIN_OPTIONS = {**AXE_OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
# TRYGGVE_AXE=quick checks a page once, as it is (its own language and width). CI's second
# pass (PostgreSQL) uses it: the first pass made the full check of the same pages, whose
# markup and styles do not depend on the database, and the full check twice would put CI
# over its time budget.
AXE_FULL = os.environ.get("TRYGGVE_AXE", "full") != "quick"
REFERENCE_RE = re.compile(r"OTR-\d{4}-\d{5}")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, never a downloaded one. Missing Chromium fails, it never skips."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}. "
            "Run `bash scripts/ensure-chromium` (or `sudo apt-get install -y chromium`).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _one_request_at_a_time(old):
    """A copy of the live server's thread that answers one request at a time.

    With SQLite the test database lives in memory, and pytest-django hands the server the
    test's own connection. Django's threaded test server then ran concurrent requests (a page
    and its script's fetch) on that one connection: one request's open transaction became the
    other's, and a mail queued after commit could be refused as "sent inside a transaction"
    (a whole-path test failed now and then). Production gives each request a connection of
    its own; one request at a time is the honest stand-in for an in-memory database. Django's
    server then closes each response's connection, so a browser's parallel requests wait in
    the listen queue.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

    class Server(WSGIServer):
        request_queue_size = 64  # a page's scripts, styles and images at once

    class Thread(LiveServerThread):
        def _create_server(self, connections_override=None):
            address = (self.host, self.port)
            return Server(address, QuietWSGIRequestHandler, allow_reuse_address=False)

    thread = Thread(
        old.host, old.static_handler, connections_override=old.connections_override, port=old.port
    )
    thread.daemon = True
    return thread


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time (see above)."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread = _one_request_at_a_time(server.thread)
    server.start()
    yield server
    server.stop()


def _restore_categories() -> None:
    """The default categories come from a data migration, which a flush between
    transactional tests wipes out; put them back the way the migration does."""
    from django.apps import apps

    from tryggve.areas.models import Municipality
    from tryggve.reports.models import Category

    if Category.objects.filter(municipality=None).exists():
        return  # not flushed (the second municipality's copies are there too)
    migration = importlib.import_module("tryggve.reports.migrations.0002_default_categories")
    migration.create(apps, None)
    # The second municipality of the fixtures was set up while there were none to copy.
    for other in Municipality.objects.exclude(code="2505").filter(categories=None):
        copies = list(Category.objects.filter(municipality=None).order_by("pk"))
        for category in copies:
            category.pk, category.municipality = None, other
        Category.objects.bulk_create(copies)


@pytest.fixture
def site(transactional_db, live_server, settings, municipality) -> str:
    """The live server's address, with the demo geography and categories in place."""
    _restore_categories()
    settings.MAP_TILE_URL = TILE_URL
    settings.SITE_URL = live_server.url
    return live_server.url


def _drain(site: str) -> None:
    """Wait until the live server has answered what the closed pages left in its listen
    queue. It answers one request at a time, in the order they came, so a request of our own
    returns after theirs. Otherwise a page's queued request ran after its test: during the
    database flush ("table is locked", leaving rows that broke the next tests) or in a
    following test without a database (seen in CI)."""
    # The live server's own http address, never a scheme from outside.
    with urlopen(f"{site}/static/css/tryggve.css", timeout=60) as response:  # noqa: S310
        response.read()


class PageErrors(list):
    """JavaScript errors and refused network requests seen by the pages of one test."""


@pytest.fixture
def open_page(browser, site) -> Iterator[Callable]:
    """Open a page in a fresh browser context (its own cookies): phone or desktop, with or
    without JavaScript. Requests that leave the live server are aborted and recorded."""
    contexts = []
    errors = PageErrors()
    external: list[str] = []
    # Files a page asked for that do not exist (a missing favicon, script or style): the user
    # would see nothing, so only this check can catch them.
    missing: list[str] = []

    def not_found(response) -> None:
        if response.status == 404 and response.request.resource_type != "document":
            missing.append(response.url)

    def local_only(route):
        host = urlsplit(route.request.url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    def _context(*, phone: bool, javascript: bool):
        options = dict(PHONE if phone else DESKTOP)
        context = browser.new_context(
            base_url=site, java_script_enabled=javascript, locale="sv-SE", **options
        )
        context.set_default_timeout(10_000)
        context.route("**/*", local_only)
        contexts.append(context)
        _AXE.options[id(context)] = (phone, javascript)
        return context

    def _open(*, phone: bool = False, javascript: bool = True, path: str | None = None):
        page = _context(phone=phone, javascript=javascript).new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        page.on("response", not_found)
        _AXE.watch(page)
        if path is not None:
            page.goto(path)
        return page

    _open.errors = errors
    _open.external = external
    _open.missing = missing
    _AXE.new_context = _context
    yield _open
    _AXE.reset()
    for context in contexts:
        context.close()
    _drain(site)
    assert not errors, "JavaScript errors on the pages:\n" + "\n".join(errors)
    assert not missing, "Files the pages asked for that answered 404:\n" + "\n".join(missing)
    unexpected = [url for url in external if not url.startswith("https://tiles.invalid/")]
    assert not unexpected, "Requests that tried to leave the test server:\n" + "\n".join(unexpected)


@pytest.fixture
def shot() -> Callable:
    """Save a full-page screenshot to /tmp/shots/<name>.png (TRYGGVE_SHOTS) for a person to
    look at; none with TRYGGVE_SHOTS=off."""
    folder = None if SHOTS == "off" else Path(SHOTS)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path | None:
        if folder is None:
            return None
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def jpeg_bytes(size: tuple[int, int] = (640, 480), color=(40, 90, 160)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill="orange")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def photo(tmp_path) -> Path:
    """A real JPEG a resident could attach."""
    path = tmp_path / "gatlampa.jpg"
    path.write_bytes(jpeg_bytes())
    return path


@pytest.fixture
def published_report(site):
    """A report that staff have reviewed and published, with one approved photo."""
    from tryggve.fixture_points import CENTRUM
    from tryggve.lib.images import clean_image
    from tryggve.reports.models import Category, Report
    from tryggve.reports.services import report_create

    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="evening",
        severity=3,
        description="Lampan vid busshållplatsen är trasig sedan två veckor.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        contact_email="anna@example.se",
        photos=[clean_image(jpeg_bytes(), "lampa.jpg")],
    )
    Report.objects.filter(pk=report.pk).update(
        published=True, public_text="Trasig gatlampa vid busshållplatsen på Storgatan."
    )
    report.photos.update(approved=True)
    report.refresh_from_db()
    return report


# Staff in the browser (used by test_browser_staff.py) -------------------------------------

STAFF_PASSWORD = "ett-långt-lösenord-för-provet"


@pytest.fixture
def make_staff(site, django_user_model) -> Callable:
    """A staff account with one role and a known password; `enrolled` gives it a confirmed
    TOTP device (otherwise the first login meets the second-factor setup page)."""
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _make(username: str, role: str | None, *, enrolled: bool = False, **fields):
        user = django_user_model.objects.create_user(
            username=username, password=STAFF_PASSWORD, **fields
        )
        if role:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        if enrolled:
            TOTPDevice.objects.create(user=user, name="Tryggve", confirmed=True)
        return user

    return _make


@pytest.fixture
def staff_page(open_page, site, settings) -> Callable:
    """A page whose browser already holds a session that has passed password and second
    factor for `user` (the login itself is tested in the browser elsewhere); with
    `javascript=False`, in a context that runs no script."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _open(user, *, phone: bool = False, javascript: bool = True, path: str | None = None):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Tryggve", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        page = open_page(phone=phone, javascript=javascript)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": site,
                    "httpOnly": True,
                    "secure": settings.SESSION_COOKIE_SECURE,
                }
            ]
        )
        if path is not None:
            page.goto(path)
        return page

    return _open


# Checks shared by every app's browser tests ----------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}


class _AxeRuns:
    """What `blocking_violations` needs across one test: how each page was last reached,
    one twin page per context and language, one stand-in per context without JavaScript,
    and the checks already made."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.methods: dict[int, str] = {}
        self.options: dict[int, tuple[bool, bool]] = {}
        self.twins: dict[tuple[int, str], Page] = {}
        self.stand_ins: dict[int, Page] = {}
        self.done: set[tuple] = set()
        self.new_context = None

    def watch(self, page: Page) -> None:
        """Remember the method of the request that loaded the page's current document."""

        def seen(request) -> None:
            if request.is_navigation_request() and request.frame == page.main_frame:
                self.methods[id(page)] = request.method

        page.on("request", seen)

    def runs_scripts(self, page: Page) -> bool:
        return self.options.get(id(page.context), (False, True))[1]

    def _checkable_context(self, page: Page):
        """A context like `page`'s in which axe can run. In a context that runs no script,
        axe cannot: Chromium then fires no timer and no animation frame in any of the
        page's worlds, and axe.run (a promise that waits on both) never settles. Such a
        page is checked in a context with JavaScript on whose script files are all empty:
        the pages have no inline script (the CSP allows none) and no <noscript>, so nothing
        runs and the page is the one a browser without JavaScript shows."""
        phone, javascript = self.options.get(id(page.context), (False, True))
        context = self.new_context(phone=phone, javascript=True)

        def empty_scripts(route) -> None:
            if route.request.resource_type == "script":
                route.fulfill(status=200, content_type="text/javascript", body="")
            else:
                route.fallback()

        if not javascript:
            context.route("**/*", empty_scripts)
        return context

    def stand_in(self, page: Page) -> Page:
        """For a page without JavaScript: its document as it stands now (`page.content()`,
        also after a POST, which cannot be loaded again), shown in a context whose script
        files are empty (see `_checkable_context`), at the page's width."""
        key = id(page.context)
        if key not in self.stand_ins:
            self.stand_ins[key] = self._checkable_context(page).new_page()
        stand_in = self.stand_ins[key]
        html = page.content()

        def serve(route) -> None:
            if route.request.is_navigation_request():
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                route.fallback()

        stand_in.set_viewport_size(page.viewport_size)
        stand_in.route("**/*", serve)
        stand_in.goto(page.url)
        stand_in.wait_for_load_state("networkidle")
        stand_in.unroute("**/*", serve)
        return stand_in

    def twin(self, page: Page, lang: str) -> Page:
        """A page in a context of its own holding `page`'s cookies, but in `lang`."""
        key = (id(page.context), lang)
        if key not in self.twins:
            self.twins[key] = self._checkable_context(page).new_page()
        twin = self.twins[key]
        cookies = [c for c in page.context.cookies() if c["name"] != "django_language"]
        base = page.url.split("/", 3)
        cookies.append({"name": "django_language", "value": lang, "url": "/".join(base[:3])})
        twin.context.clear_cookies()
        twin.context.add_cookies(cookies)
        return twin


_AXE = _AxeRuns()


def _settle(page: Page) -> None:
    """The layout has caught up with a new width: two animation frames (Leaflet's resize
    handler runs in one), then no transition still running (a map re-centring its popup
    fades it; axe would measure the colours half-way)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )


def _axe_at(page: Page, lang: str, width: int, options: dict = AXE_OPTIONS) -> list[dict]:
    size = page.viewport_size
    if size["width"] != width:
        page.set_viewport_size({"width": width, "height": size["height"]})
        _settle(page)
    # The same state twice (a test checking a page at both widths itself) is checked once.
    state = page.evaluate(
        "() => [document.body.innerText.length, document.getElementsByTagName('*').length]"
    )
    key = (page.url, lang, width, *state)
    if key in _AXE.done:
        return []
    _AXE.done.add(key)
    results = Axe().run(page, options=options)
    return [
        {**v, "context": f"{lang}, {width} px"}
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def blocking_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core findings for the page in its own language at a phone's
    width (390 px) and a laptop's (1366 px), and in the other language at the phone's.

    The page itself is checked as it is (after whatever the test clicked) at both widths and
    put back to its own. The other language is checked in a twin page holding the same
    cookies, which loads the same address, with every rule but colour contrast (the same
    stylesheet draws both languages); a page that a POST produced (a form with its errors)
    cannot be reloaded safely, so it is checked in its own language only. With
    TRYGGVE_AXE=quick (CI's PostgreSQL pass) the page is checked once, as it is.

    A page without JavaScript is checked as its stand-in (`_AxeRuns.stand_in`: the same
    document, no script run), since axe cannot run where no script may; its twin likewise.
    """
    lang = page.evaluate("document.documentElement.lang") or "sv"
    checked = page if _AXE.runs_scripts(page) else _AXE.stand_in(page)
    original = dict(checked.viewport_size)
    if not AXE_FULL:
        return _axe_at(checked, lang, original["width"])
    found = []
    for width in AXE_WIDTHS:
        found += _axe_at(checked, lang, width)
    if checked.viewport_size != original:
        checked.set_viewport_size(original)
        _settle(checked)
    if _AXE.methods.get(id(page), "GET") == "GET" and _AXE.new_context is not None:
        for other in AXE_LANGUAGES:
            if other == lang:
                continue
            twin = _AXE.twin(page, other)
            twin.goto(page.url)
            twin.wait_for_load_state("networkidle")
            for width in AXE_TWIN_WIDTHS:
                found += _axe_at(twin, other, width, AXE_TWIN_OPTIONS)
            # Parked, so that its scripts (a progress page that reloads itself when the
            # import is done) cannot start a navigation of their own under the next check.
            twin.goto("about:blank")
    return found


def describe(violations: dict[str, list[dict]]) -> str:
    lines = []
    for name, found in violations.items():
        for v in found:
            where = f", {v['context']}" if v.get("context") else ""
            lines.append(f"[{name}{where}] {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
                lines.append(f"      {node.get('failureSummary', '').strip()[:300]}")
    return "\n".join(lines)


def overflow(page: Page) -> str | None:
    # After the style sheets: a page measured while they still load on a busy machine is
    # as wide as its unstyled tables (a CI run saw 728 px where the styled page fits).
    page.wait_for_load_state("load")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        return f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"
    return None


# A 1280 px wide screen zoomed to 400 % (WCAG 1.4.10 Reflow): 320 CSS px by 256.
REFLOW = {"width": 320, "height": 256}


def with_text_spacing(page: Page) -> None:
    """WCAG 1.4.12's text spacing on the page as it stands (the W3C's bookmarklet): line height
    1.5, 2 em after paragraphs, letter spacing 0.12 em, word spacing 0.16 em. Set on every
    element through the CSSOM, which the Content-Security-Policy allows (a <style> it refuses),
    as a reader's own style sheet or extension would."""
    page.evaluate(
        """() => {
            for (const el of document.querySelectorAll("body, body *")) {
                el.style.setProperty("line-height", "1.5", "important");
                el.style.setProperty("letter-spacing", "0.12em", "important");
                el.style.setProperty("word-spacing", "0.16em", "important");
                if (el.tagName === "P") el.style.setProperty("margin-bottom", "2em", "important");
            }
        }"""
    )
    _settle(page)


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || "").trim(),
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== "none",
            };
        }"""
    )
