"""The public pages under /grannsamverkan/: list and map, area page with the sign-up form,
thanks, confirm, the household page and leaving; hostile input and privacy."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tryggve.lib.guard import TECHNICAL_FIELDS
from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import Household, WatchArea, WatchState
from tryggve.watch.services import household_assign, message_send

VALID = {
    "street": "Storgatan",
    "number": "12 B",
    "name": "Greta Granne",
    "email": "greta@example.se",
    "phone": "",
}


def area_url(area) -> str:
    return f"/grannsamverkan/{area.slug}/"


def field_error(response, field: str) -> str:
    """The text of the error shown next to a field (empty when there is none)."""
    html = response.content.decode()
    found = re.search(rf'<div class="error" id="id_{field}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip() if found else ""


# List ----------------------------------------------------------------------------------------


def test_list_shows_public_areas_with_progress_and_map_data(client, area, make_area, join):
    join(area)
    ended = make_area(name="Nedlagt")
    WatchArea.objects.filter(pk=ended.pk).update(state=WatchState.ENDED)
    response = client.get("/grannsamverkan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lärkan" in html and "Nedlagt" not in html
    assert "1 av 61 hushåll, 70 % behövs" in html
    assert "42 hushåll till" in html
    layers = response.context["layers"]["areas"]["features"]
    assert [f["properties"]["name"] for f in layers] == ["Lärkan"]
    assert layers[0]["properties"]["url"] == area_url(area)


def test_list_without_areas_says_so(client, municipality):
    response = client.get("/grannsamverkan/")
    assert "Inga områden är erbjudna" in response.content.decode()


def test_list_and_staff_index_queries_do_not_grow_with_areas(
    client, police_officer, make_area, join, django_assert_max_num_queries
):
    def count(path, c):
        with CaptureQueriesContext(connection) as queries:
            assert c.get(path).status_code == 200
        return len(queries)

    first = make_area(name="Ett")
    join(first)
    few = (count("/grannsamverkan/", client), count("/personal/grannsamverkan/", police_officer))
    for n in range(6):
        join(make_area(name=f"Fler {n}"))
    many = (count("/grannsamverkan/", client), count("/personal/grannsamverkan/", police_officer))
    assert many == few, f"queries grew with the number of areas: {few} -> {many}"
    with django_assert_max_num_queries(few[0]):
        client.get("/grannsamverkan/")
    with django_assert_max_num_queries(few[1]):
        police_officer.get("/personal/grannsamverkan/")


# Area page and sign-up -------------------------------------------------------------------


def test_area_page_shows_the_form_and_the_street_list(client, area):
    response = client.get(area_url(area))
    assert response.status_code == 200
    html = response.content.decode()
    for street in ("Storgatan", "Lärkvägen", "Östra Skolgatan"):
        assert f'<option value="{street}">' in html
    assert "Anmäl ert hushåll" in html


def test_unknown_or_ended_area_is_404(client, area):
    assert client.get("/grannsamverkan/finns-inte/").status_code == 404
    area.state = WatchState.ENDED
    area.save()
    assert client.get(area_url(area)).status_code == 404
    assert client.post(area_url(area), VALID).status_code == 404
    assert not Household.objects.exists()


def test_sign_up_saves_unconfirmed_and_redirects_to_thanks(client, area):
    response = client.post(area_url(area), {**VALID, "volunteer": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{area_url(area)}tack/"
    household = Household.objects.get()
    assert (household.street, household.number) == ("Storgatan", "12 B")
    assert household.contact_role == "volunteered"
    assert household.confirmed is None
    thanks = client.get(response["Location"])
    assert "bekräfta" in thanks.content.decode().lower()
    assert OutgoingMail.objects.filter(to="greta@example.se").exists()


def test_the_form_asks_only_what_the_watch_needs(client, area):
    """Least data: the size of a household (who lives alone) was asked, required and kept,
    yet nothing used it; the form asks for the address, a name and a way to reach them,
    and the rest only as choices."""
    form = client.get(area_url(area)).context["form"]
    assert set(form.fields) - TECHNICAL_FIELDS <= {
        "street", "number", "name", "email", "phone", "volunteer", "share_contact"
    }
    assert not hasattr(Household, "residents")


def test_sign_up_with_phone_only(client, area):
    response = client.post(area_url(area), {**VALID, "email": "", "phone": "+46 70-123 45 67"})
    assert response.status_code == 302
    assert Household.objects.get().phone == "+46701234567"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"street": "Drottninggatan"}, "street", "Välj en gata i listan."),
        ({"street": ""}, "street", "Välj er gata."),
        ({"street": "Storgatan\x00"}, "street", ""),
        ({"number": ""}, "number", "Skriv husnumret."),
        ({"number": "tolv"}, "number", "Skriv husnumret med siffror"),
        ({"number": "12; DROP TABLE"}, "number", "Skriv husnumret med siffror"),
        ({"number": "-1"}, "number", "Skriv husnumret med siffror"),
        ({"number": "1\x00"}, "number", ""),
        ({"name": ""}, "name", "Skriv ert namn."),
        ({"name": "x" * 10_000}, "name", ""),
        ({"name": "Greta\x00"}, "name", ""),
        ({"email": "", "phone": ""}, "email", "Ange e-post eller mobil"),
        ({"email": "inte-en-adress"}, "email", ""),
        ({"email": "a" * 300 + "@example.se"}, "email", ""),
        ({"email": "", "phone": "ring mig"}, "phone", "Skriv numret med siffror"),
        ({"email": "", "phone": "1" * 100}, "phone", ""),
    ],
)
def test_hostile_sign_up_is_refused_next_to_the_field(client, area, change, field, message):
    response = client.post(area_url(area), {**VALID, **change})
    assert response.status_code == 400
    shown = field_error(response, field)
    assert shown, f"no error next to {field}"
    assert message in shown
    assert "error-summary" in response.content.decode()
    assert not Household.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_error_messages_are_swedish(client, area):
    response = client.post(area_url(area), {**VALID, "name": "x" * 500, "email": "nej"})
    assert "Säkerställ" in field_error(response, "name") or "högst" in field_error(response, "name")
    assert "e-post" in field_error(response, "email").lower()


def test_paused_area_shows_no_form_and_refuses_a_post(client, area):
    area.state = WatchState.PAUSED
    area.save()
    page = client.get(area_url(area)).content.decode()
    assert "tar inte emot anmälningar" in page
    assert 'name="number"' not in page
    response = client.post(area_url(area), VALID)
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_thanks_page_of_unknown_area_is_404(client, municipality):
    assert client.get("/grannsamverkan/finns-inte/tack/").status_code == 404


# Confirm --------------------------------------------------------------------------------


def test_get_shows_a_button_and_does_not_confirm(client, area, sign_up):
    household = sign_up(area, number="4")
    response = client.get(f"/grannsamverkan/bekrafta/{household.confirm_token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ja, vi vill vara med" in html and "Storgatan 4" in html
    assert 'name="robots" content="noindex"' in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    household.refresh_from_db()
    assert household.confirmed is None


def test_post_confirms_and_a_second_post_is_harmless(client, area, sign_up):
    household = sign_up(area)
    url = f"/grannsamverkan/bekrafta/{household.confirm_token}/"
    response = client.post(url)
    assert response.status_code == 200
    assert "Tack, ert hushåll är med" in response.content.decode()
    household.refresh_from_db()
    first = household.confirmed
    assert first is not None
    welcome_count = OutgoingMail.objects.filter(subject__startswith="Välkommen").count()
    again = client.post(url)
    assert again.status_code == 200
    household.refresh_from_db()
    assert household.confirmed == first
    assert OutgoingMail.objects.filter(subject__startswith="Välkommen").count() == welcome_count
    area.refresh_from_db()
    assert area.state == WatchState.GATHERING


def test_a_used_link_says_it_is_confirmed_and_offers_no_button(client, area, sign_up):
    household = sign_up(area, number="4")
    url = f"/grannsamverkan/bekrafta/{household.confirm_token}/"
    client.post(url)
    html = client.get(url).content.decode()
    assert "Anmälan är redan bekräftad" in html
    assert "Ja, vi vill vara med" not in html and "<form" not in html.split("<main")[-1]


@pytest.mark.parametrize("token", ["okand", "x" * 300, "%00", "..%2F..%2Fetc"])
def test_unknown_confirm_token_is_404(client, area, sign_up, token):
    sign_up(area)
    assert client.get(f"/grannsamverkan/bekrafta/{token}/").status_code == 404
    assert client.post(f"/grannsamverkan/bekrafta/{token}/").status_code == 404
    assert not Household.objects.confirmed().exists()


# Household page and leaving ---------------------------------------------------------------


def test_member_sees_progress_but_no_other_households(client, ready_area, join):
    member = join(ready_area, name="Mats Medlem", email="mats@example.se")
    response = client.get(f"/grannsamverkan/mitt-hushall/{member.manage_token}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert str(member) in html
    assert "Hushåll som är med" not in html
    others = Household.objects.exclude(pk=member.pk)
    for other in others:
        assert other.name not in html
        assert other.email not in html
    assert "kim@example.se" not in html and "Kim Kontakt" not in html
    assert "Meddelanden från polisen" not in html


def test_contact_person_sees_messages(client, active_area, staff_user):
    message_send(sender=staff_user, subject="Inbrott i går", body="Var vaksamma.", area=active_area)
    message_send(sender=staff_user, subject="Till alla områden", body="Hej alla.")
    response = client.get(f"/grannsamverkan/mitt-hushall/{active_area.contact.manage_token}/")
    html = response.content.decode()
    assert "Inbrott i går" in html and "Var vaksamma." in html
    assert "Till alla områden" in html


def test_contact_person_sees_only_their_households_and_details_only_by_consent(
    client, active_area, join, staff_user
):
    """Issue 9 item 9: not every household of the area, and names only unless agreed."""
    sharing = join(active_area, name="Mats Medlem", phone="070-999 88 77", share_contact=True)
    private = join(active_area, name="Pia Privat", email="pia@example.se")
    join(active_area, name="Olle Annan", email="olle@example.se")  # someone else's household
    household_assign(households=[sharing, private], contact=active_area.contact, actor=staff_user)
    response = client.get(f"/grannsamverkan/mitt-hushall/{active_area.contact.manage_token}/")
    html = response.content.decode()
    assert "Hushåll ni ansvarar för" in html
    assert "Mats Medlem" in html and "+46709998877" in html
    assert "Pia Privat" in html and "pia@example.se" not in html
    assert "Olle Annan" not in html and "olle@example.se" not in html
    others = Household.objects.filter(area=active_area).exclude(
        pk__in=[sharing.pk, private.pk, active_area.contact.pk]
    )
    assert others.count() == 43
    for other in others:
        assert other.name not in html


def test_contact_person_does_not_see_other_areas_messages(
    client, active_area, make_area, join, approve, staff_user
):
    other = make_area(name="Grannen")
    message_send(sender=staff_user, subject="Bara för Grannen", body="B", area=other)
    html = client.get(f"/grannsamverkan/mitt-hushall/{active_area.contact.manage_token}/")
    assert "Bara för Grannen" not in html.content.decode()


def test_household_page_needs_a_confirmed_household_and_its_own_token(client, area, sign_up, join):
    unconfirmed = sign_up(area)
    assert (
        client.get(f"/grannsamverkan/mitt-hushall/{unconfirmed.confirm_token}/").status_code == 404
    )
    assert client.get("/grannsamverkan/mitt-hushall/gissat/").status_code == 404
    member = join(area)
    # The confirm token is not a manage token.
    assert client.get(f"/grannsamverkan/mitt-hushall/{member.confirm_token}/").status_code == 404


def test_leave_asks_first_then_deletes_the_household_on_post(client, ready_area, join):
    member = join(ready_area, name="Lena Lämnar", email="lena@example.se")
    page = client.get(f"/grannsamverkan/mitt-hushall/{member.manage_token}/").content.decode()
    url = f"/grannsamverkan/mitt-hushall/{member.manage_token}/lamna/"
    # The household page links to a page that asks; it has no button that deletes at once.
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    question = client.get(url)
    assert question.status_code == 200
    assert "Vill ni lämna grannsamverkan?" in question.content.decode()
    assert f'action="{url}"' in question.content.decode()
    assert Household.objects.filter(pk=member.pk).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert "Ni har lämnat grannsamverkan" in response.content.decode()
    assert not Household.objects.filter(pk=member.pk).exists()
    assert not Household.objects.filter(email="lena@example.se").exists()
    assert client.post(url).status_code == 404
    assert client.get(f"/grannsamverkan/mitt-hushall/{member.manage_token}/").status_code == 404


def test_sign_up_asks_for_consent_to_share_contact_details(client, area):
    client.post(area_url(area), {**VALID, "share_contact": "on"})
    assert Household.objects.get().share_contact
    client.post(area_url(area), {**VALID, "number": "13", "email": "b@example.se"})
    assert not Household.objects.get(email="b@example.se").share_contact


def test_the_household_changes_its_consent_on_its_page(client, area, join):
    member = join(area, share_contact=True)
    base = f"/grannsamverkan/mitt-hushall/{member.manage_token}/"
    assert 'name="share_contact"' in client.get(base).content.decode()
    response = client.post(f"{base}kontaktuppgifter/", {})
    assert response.status_code == 302 and response["Location"] == base
    member.refresh_from_db()
    assert not member.share_contact
    client.post(f"{base}kontaktuppgifter/", {"share_contact": "on"})
    member.refresh_from_db()
    assert member.share_contact
    assert client.post("/grannsamverkan/mitt-hushall/gissat/kontaktuppgifter/").status_code == 404


# Privacy ------------------------------------------------------------------------------------


def test_public_pages_never_show_names_emails_or_phones(client, active_area, join, sign_up):
    join(active_area, name="Pia Privat", email="pia@example.se", phone="070-555 44 33")
    pending = sign_up(active_area, name="Olle Obekräftad", email="olle@example.se")
    pages = [
        "/grannsamverkan/",
        area_url(active_area),
        f"{area_url(active_area)}tack/",
        f"/grannsamverkan/bekrafta/{pending.confirm_token}/",
    ]
    bad = client.post(area_url(active_area), {**VALID, "residents": "0"})
    htmls = [client.get(p).content.decode() for p in pages] + [bad.content.decode()]
    for html in htmls:
        for secret in (
            "Pia Privat",
            "pia@example.se",
            "070-555 44 33",
            "Olle Obekräftad",
            "olle@example.se",
            "Kim Kontakt",
            "kim@example.se",
        ):
            assert secret not in html
    # The geometry layer carries only names of areas, their state and link.
    feature = client.get("/grannsamverkan/").context["layers"]["areas"]["features"][0]
    assert set(feature["properties"]) == {"name", "state", "label", "url"}
