"""A household's token links (confirm, its own page, leave, contact details, handover) work
only on its own municipality's site, and the messages carrying them link there (issue 14)."""

from __future__ import annotations

import re

import pytest

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import Household
from tryggve.watch.services import household_confirm
from tryggve.watch.tests.conftest import CONFIRM_RE, MANAGE_RE, token_from_outbox

pytestmark = pytest.mark.django_db

HANDOVER_RE = re.compile(r"/grannsamverkan/overlamna/([^/\s]+)/")
ARJEPLOG_HOST = {"HTTP_HOST": "trygg.arjeplog.se"}


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://trygg.example.se"


@pytest.fixture
def tokens(site, arjeplog, area, make_area, join, sign_up):
    """For each municipality: a confirmed household (its page, leave), a sign-up waiting for
    confirmation, and a handover link (a second sign-up at the first one's address)."""
    theirs = make_area(name="Jäckviks by", residential="Jäckvik", households=25)
    found = {}
    for code, watch_area in (("2505", area), ("2506", theirs)):
        member = join(watch_area, street="Storgatan", number="5", email=f"m{code}@example.se")
        pending = sign_up(watch_area, email=f"p{code}@example.se")
        newcomer = sign_up(watch_area, street="Storgatan", number="5", email=f"n{code}@example.se")
        household_confirm(token=newcomer.confirm_token)
        found[code] = {
            "member": member,
            "pending": pending,
            "handover": token_from_outbox(f"m{code}@example.se", pattern=HANDOVER_RE),
        }
    return found


def _pages(found) -> list[str]:
    manage = found["member"].manage_token
    return [
        f"/grannsamverkan/bekrafta/{found['pending'].confirm_token}/",
        f"/grannsamverkan/mitt-hushall/{manage}/",
        f"/grannsamverkan/mitt-hushall/{manage}/lamna/",
        f"/grannsamverkan/overlamna/{found['handover']}/",
    ]


def test_arjeplogs_tokens_open_only_on_arjeplogs_site(client, tokens):
    for page in _pages(tokens["2506"]):
        assert client.get(f"/arjeplog{page}").status_code == 200, page
        assert client.get(page, **ARJEPLOG_HOST).status_code == 200, page
        assert client.get(page).status_code == 404, page


def test_arvidsjaurs_tokens_open_only_on_arvidsjaurs_site(client, tokens):
    for page in _pages(tokens["2505"]):
        assert client.get(page).status_code == 200, page
        assert client.get(f"/arjeplog{page}").status_code == 404, page
        assert client.get(page, **ARJEPLOG_HOST).status_code == 404, page


def test_a_post_on_the_wrong_site_changes_nothing(client, tokens):
    member = tokens["2506"]["member"]
    pending = tokens["2506"]["pending"]
    manage = f"/grannsamverkan/mitt-hushall/{member.manage_token}"
    assert client.post(f"{manage}/lamna/").status_code == 404
    assert client.post(f"{manage}/kontaktuppgifter/", {"share_contact": "on"}).status_code == 404
    confirm = f"/grannsamverkan/bekrafta/{pending.confirm_token}/"
    assert client.post(confirm).status_code == 404
    handover = f"/grannsamverkan/overlamna/{tokens['2506']['handover']}/"
    assert client.post(handover, {"answer": "agree"}).status_code == 404
    member.refresh_from_db()
    pending.refresh_from_db()
    assert member.confirmed and not member.share_contact and pending.confirmed is None
    # On its own site the same link does what it says.
    assert client.post(f"/arjeplog{manage}/lamna/").status_code == 200
    assert not Household.objects.filter(pk=member.pk).exists()


def _body(email: str, subject: str) -> str:
    row = OutgoingMail.objects.filter(to=email, subject__startswith=subject).latest("pk")
    return row.body


def test_the_links_in_arjeplogs_messages_go_to_its_own_host(tokens):
    confirm = _body("p2506@example.se", "Bekräfta")
    welcome = _body("m2506@example.se", "Välkommen")
    handover = _body("m2506@example.se", "Ny anmälan")
    assert "https://trygg.arjeplog.se/grannsamverkan/bekrafta/" in confirm
    assert "https://trygg.arjeplog.se/grannsamverkan/mitt-hushall/" in welcome
    assert "https://trygg.arjeplog.se/grannsamverkan/overlamna/" in handover


def test_without_a_host_name_the_links_carry_arjeplogs_path_prefix(site, arjeplog, make_area, join):
    arjeplog.hosts = ""
    arjeplog.save()
    member = join(make_area(name="Jäckviks by", residential="Jäckvik", households=25))
    welcome = _body(member.email, "Välkommen")
    assert "https://trygg.example.se/arjeplog/grannsamverkan/mitt-hushall/" in welcome


def test_a_welcome_sent_from_another_municipalitys_staff_page_links_to_arjeplog(
    site, arjeplog, make_area, sign_up, staff_user
):
    """Staff letting a waiting sign-up in (household_replace) on Arvidsjaur's pages."""
    from tryggve.lib import tenancy
    from tryggve.watch.services import household_replace

    theirs = make_area(name="Jäckviks by", residential="Jäckvik", households=25)
    first = sign_up(theirs, street="Storgatan", number="7", email="first@example.se")
    household_confirm(token=first.confirm_token)
    second = sign_up(theirs, street="Storgatan", number="7", email="second@example.se")
    waiting = household_confirm(token=second.confirm_token)
    with tenancy.serving("2505"):
        household_replace(household=waiting, actor=staff_user)
    assert "https://trygg.arjeplog.se/grannsamverkan/mitt-hushall/" in _body(
        "second@example.se", "Välkommen"
    )


def test_one_municipality_served_links_and_pages_as_before(client, site, area, join, sign_up):
    member = join(area, email="ensam@example.se")
    welcome = _body("ensam@example.se", "Välkommen")
    assert f"https://trygg.example.se/grannsamverkan/mitt-hushall/{member.manage_token}/" in welcome
    pending = sign_up(area)
    assert CONFIRM_RE.search(_body(pending.email, "Bekräfta"))
    assert MANAGE_RE.search(welcome)
    assert client.get(f"/grannsamverkan/mitt-hushall/{member.manage_token}/").status_code == 200
    assert client.get(f"/grannsamverkan/bekrafta/{pending.confirm_token}/").status_code == 200
    # No routing: /arjeplog/ is just an unknown address.
    assert (
        client.get(f"/arjeplog/grannsamverkan/mitt-hushall/{member.manage_token}/").status_code
        == 404
    )
