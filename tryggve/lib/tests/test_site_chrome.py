"""What every page shares: the icon, the footer's links, the language it opens in."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

PUBLIC_PAGES = [
    "/", "/rapportera/", "/karta/", "/grannsamverkan/", "/lagesbild/", "/personuppgifter/"
]


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client, municipality):
    icon = client.get("/favicon.ico", follow=True)
    assert icon.status_code == 200
    assert finders.find("favicon.svg")
    for path in PUBLIC_PAGES + ["/personal/logga-in/"]:
        page = client.get(path).content.decode()
        assert 'rel="icon" href="/static/favicon.svg"' in page, path
    assert client.get("/static/favicon.svg").status_code == 200


@pytest.mark.django_db
def test_situation_picture_is_linked_from_the_start_page_and_every_footer(client, municipality):
    summary = reverse("public_summary")
    start = client.get("/").content.decode()
    main = start.split('<main', 1)[1].split("</main>", 1)[0]
    assert f'href="{summary}"' in main
    for path in PUBLIC_PAGES:
        footer = client.get(path).content.decode().split('<footer', 1)[1]
        assert f'href="{summary}"' in footer, path


@pytest.mark.django_db
def test_an_english_browser_gets_swedish_until_it_asks(client, municipality):
    english = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
    first = client.get("/", **english)
    assert '<html lang="sv">' in first.content.decode()
    assert "Rapportera en otrygg plats" in first.content.decode()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, **english)
    assert switched.status_code == 302
    cookie = switched.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 30 * 24 * 3600

    again = client.get("/karta/", **english).content.decode()
    assert '<html lang="en">' in again
    back = client.post("/i18n/setlang/", {"language": "sv", "next": "/"}, **english)
    assert back.cookies["django_language"].value == "sv"
    assert '<html lang="sv">' in client.get("/", **english).content.decode()


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_swedish(client, municipality):
    client.cookies["django_language"] = "xx"
    assert '<html lang="sv">' in client.get("/").content.decode()
