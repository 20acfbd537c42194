"""The Open311 pages in real headless Chromium: the public page's examples point at the
server the reader is on, and an administrator creates a key, sees it once, and revokes it.
axe-core checks every page in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tryggve.browser_fixtures import blocking_violations, describe
from tryggve.open311.models import ApiKey

pytestmark = pytest.mark.browser

# The live server's first answer compiles templates and loads catalogues; on two shared
# cores that alone has taken several seconds.
FIRST_LOAD_MS = 40_000


def test_public_page_examples_use_this_servers_address(open_page, site, shot):
    page = open_page()
    page.goto("/open311/", timeout=FIRST_LOAD_MS)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open311")
    examples = page.locator("pre code").first
    expect(examples).to_contain_text(f'curl "{site}/open311/v2/services.json"')
    # The OpenAPI link opens the description on the same host, as JSON.
    with page.expect_response(lambda r: r.url.endswith("/open311/v2/openapi.json")) as answer:
        page.get_by_role("link", name="Beskrivning i OpenAPI 3").click()
    assert answer.value.url.startswith(site)
    assert answer.value.headers["content-type"].startswith("application/json")
    page.goto("/open311/")
    shot(page, "open311-public")
    violations = blocking_violations(page)
    assert not violations, describe({"open311": violations})


def test_administrator_creates_sees_once_and_revokes_a_key(staff_page, make_staff, shot):
    admin = make_staff("admin311", "administrator")
    page = staff_page(admin)
    page.goto("/personal/open311/", timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("Inga nycklar ännu.")).to_be_visible()
    found = {}
    if violations := blocking_violations(page):
        found["empty"] = violations
    page.get_by_label("Namn på systemet").fill("Polisens app")
    page.get_by_role("button", name="Skapa nyckel").click()
    shown = page.locator("#new-key code")
    expect(shown).to_be_visible()
    key = shown.inner_text().strip()
    stored = ApiKey.objects.get(name="Polisens app")
    # Only the hash is kept; the page showed the whole key exactly once.
    assert key and key not in {stored.prefix, stored.key_hash}
    assert key.startswith(stored.prefix)
    expect(page.get_by_role("cell", name="Polisens app", exact=True)).to_be_visible()
    shot(page, "open311-key-created")
    page.goto("/personal/open311/")
    expect(page.locator("#new-key")).to_have_count(0)
    assert key not in page.content()
    if violations := blocking_violations(page):
        found["list"] = violations
    page.get_by_role("button", name="Återkalla nyckeln för Polisens app").click()
    expect(page.get_by_role("cell", name="Återkallad")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Nyckeln för Polisens app är återkallad.")
    stored.refresh_from_db()
    assert stored.revoked is not None
    assert not found, describe(found)


def test_a_key_without_a_name_takes_focus_to_the_summary(staff_page, make_staff):
    """A staff form whose page has no script of its own: after the error, focus is on the
    summary (error-summary.js, loaded by base.html), and its link focuses the field with its
    label in view."""
    page = staff_page(make_staff("admin311", "administrator"), phone=True)
    # The phone turned sideways: short enough that the form's end can scroll to the top.
    page.set_viewport_size({"width": 844, "height": 390})
    page.goto("/personal/open311/", timeout=FIRST_LOAD_MS)
    page.get_by_role("button", name="Skapa nyckel").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Skriv vilket system nyckeln är till.")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Namn på systemet").click()
    expect(page.get_by_label("Namn på systemet")).to_be_focused()
    # Its label in view too (a bare fragment link scrolls the input to the top, the label
    # above it out of view; 0.9: the block scrolled to the top may clip a fraction of a pixel).
    expect(page.locator("label[for=id_name]")).to_be_in_viewport(ratio=0.9)
    assert not ApiKey.objects.exists()
