"""Each served municipality's public identity (issue 14): name, colour, logo and contact
details on the public pages; blank fields keep the page as a one-municipality deployment
always showed it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (120, 40), (255, 255, 255, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def contacts(municipality, arjeplog):
    municipality.contact_phone = "0960-155 00"
    municipality.contact_email = "kommun@arvidsjaur.example"
    municipality.privacy_officer_email = "dso@arvidsjaur.example"
    municipality.save()
    arjeplog.organisation_name = "Arjeplogs kommun"
    arjeplog.service_name = "Trygg i Arjeplog"
    arjeplog.contact_phone = "0961-145 00"
    arjeplog.contact_email = "kommun@arjeplog.example"
    arjeplog.contact_address = "Box 900, 930 90 Arjeplog"
    arjeplog.privacy_officer_email = "dso@arjeplog.example"
    arjeplog.save()
    return municipality, arjeplog


# Unchanged where nothing is set -----------------------------------------------------------


def test_a_single_municipality_looks_as_before(client, municipality):
    start = client.get("/").content.decode()
    assert '<a class="brand" href="/">Trygg i Arvidsjaur</a>' in start
    assert "<title>Trygg i Arvidsjaur – Arvidsjaurs kommun</title>" in start
    assert "Arvidsjaurs kommun och lokalpolisområde Piteå Älvdal" in start
    assert "utseende/tema.css" not in start and "brand-logo" not in start
    privacy = client.get("/personuppgifter/").content.decode()
    assert "Arvidsjaurs kommun är personuppgiftsansvarig" in privacy
    assert "<h2>Kontakt</h2>" not in privacy
    assert client.get("/utseende/tema.css").status_code == 404
    assert client.get("/utseende/logotyp/").status_code == 404


# Contact details on the privacy and accessibility pages -----------------------------------


@pytest.mark.parametrize("page", ["/personuppgifter/", "/tillganglighet/"])
def test_each_municipalitys_page_shows_its_own_contact_details(client, contacts, page):
    arvidsjaur = client.get(page).content.decode()
    assert "0960-155 00" in arvidsjaur and "kommun@arvidsjaur.example" in arvidsjaur
    assert "arjeplog.example" not in arvidsjaur and "0961-145 00" not in arvidsjaur
    arjeplog = client.get(f"/arjeplog{page}").content.decode()
    assert "0961-145 00" in arjeplog and "kommun@arjeplog.example" in arjeplog
    assert "Box 900, 930 90 Arjeplog" in arjeplog
    assert "arvidsjaur.example" not in arjeplog and "0960-155 00" not in arjeplog
    assert "Arvidsjaurs kommun" not in arjeplog.split("<main")[1].split("</main>")[0]


def test_the_privacy_page_names_the_municipality_responsible(client, contacts):
    arjeplog = client.get("/arjeplog/personuppgifter/").content.decode()
    assert "Arjeplogs kommun är personuppgiftsansvarig" in arjeplog
    assert 'href="mailto:dso@arjeplog.example"' in arjeplog
    own_host = client.get("/personuppgifter/", HTTP_HOST="trygg.arjeplog.se").content.decode()
    assert "Arjeplogs kommun är personuppgiftsansvarig" in own_host
    accessibility = client.get("/arjeplog/tillganglighet/").content.decode()
    assert "Arjeplogs kommun står bakom den här e-tjänsten" in accessibility


def test_the_header_names_the_service_and_changes_when_saved(client, contacts):
    _, arjeplog = contacts
    body = client.get("/arjeplog/").content.decode()
    assert '<a class="brand" href="/arjeplog/">Trygg i Arjeplog</a>' in body
    assert "<title>Trygg i Arjeplog – Arjeplogs kommun</title>" in body
    arjeplog.service_name = "Tryggt Arjeplog"
    arjeplog.save()
    assert ">Tryggt Arjeplog</a>" in client.get("/arjeplog/").content.decode()
    assert ">Trygg i Arvidsjaur</a>" in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/arjeplog/", "/arjeplog/grannsamverkan/"])
def test_arjeplogs_pages_never_name_arvidsjaur(client, arjeplog, path):
    """The headings and texts of another municipality's site (the default's are
    translated literals naming Arvidsjaur)."""
    response = client.get(path)
    assert response.status_code == 200
    assert "Arvidsjaur" not in response.content.decode()


def test_the_watch_list_names_the_municipality_served(client, arjeplog):
    assert "<h1>Grannsamverkan i Arjeplogs kommun</h1>" in client.get(
        "/arjeplog/grannsamverkan/"
    ).content.decode()
    assert "<h1>Grannsamverkan i Arvidsjaur</h1>" in client.get(
        "/grannsamverkan/"
    ).content.decode()


# Colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize("colour", ["#f2c14e", "#ffffff", "#1e90ff", "red", "#12345", "#0b4f6cff"])
def test_a_colour_white_text_cannot_be_read_on_or_no_hex_is_refused(arjeplog, colour):
    arjeplog.brand_colour = colour
    with pytest.raises(ValidationError) as refused:
        arjeplog.full_clean()
    assert "brand_colour" in refused.value.message_dict


def test_a_readable_colour_is_served_as_the_municipalitys_stylesheet(
    client, municipality, arjeplog
):
    arjeplog.brand_colour = "#5A2D6E"
    arjeplog.full_clean()
    arjeplog.save()
    body = client.get("/arjeplog/").content.decode()
    assert '<link rel="stylesheet" href="/arjeplog/utseende/tema.css?v=5a2d6e-' in body
    css = client.get("/arjeplog/utseende/tema.css")
    assert css["Content-Type"].startswith("text/css")
    assert "--brand: #5a2d6e;" in css.content.decode()
    assert "--brand-dark: #" in css.content.decode()
    # Arvidsjaur keeps the stylesheet's own colour.
    assert "utseende/tema.css" not in client.get("/").content.decode()
    assert client.get("/utseende/tema.css").status_code == 404


# Logo ---------------------------------------------------------------------------------------


def test_the_logo_is_served_from_the_storage_with_the_name_as_alt_text(
    client, municipality, arjeplog, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    arjeplog.logo = SimpleUploadedFile("arjeplog.png", png_bytes(), content_type="image/png")
    arjeplog.full_clean()
    arjeplog.save()
    body = client.get("/arjeplog/").content.decode()
    assert '<img class="brand-logo" src="/arjeplog/utseende/logotyp/?v=' in body
    assert 'alt="Arjeplogs kommun"' in body
    logo = client.get("/arjeplog/utseende/logotyp/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == png_bytes()
    # No logo: the name as text, as before.
    assert '<a class="brand" href="/">Trygg i Arvidsjaur</a>' in client.get("/").content.decode()
    assert client.get("/utseende/logotyp/").status_code == 404


def test_a_logo_that_is_no_image_is_refused(arjeplog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    arjeplog.logo = SimpleUploadedFile("arjeplog.png", b"<svg onload=alert(1)>", "image/png")
    with pytest.raises(ValidationError) as refused:
        arjeplog.full_clean()
    assert "logo" in refused.value.message_dict
    arjeplog.logo = SimpleUploadedFile("arjeplog.svg", b"<svg/>", "image/svg+xml")
    with pytest.raises(ValidationError):
        arjeplog.full_clean()
