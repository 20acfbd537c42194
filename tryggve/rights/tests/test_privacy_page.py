"""The privacy notice covers every service that takes personal data, names the legal
basis and the rights, and states the time limits the retention commands apply."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_notice_covers_each_service_and_its_legal_basis(client, municipality):
    page = client.get("/personuppgifter/").content.decode()
    for words in ("Rapporter om otrygga platser", "Grannsamverkan", "Trygghetsenkäten",
                  "artikel 6.1 e", "Integritetsskyddsmyndigheten", "registerutdrag",
                  "aldrig dina kontaktuppgifter", "loggas vem, när, vad och varför"):
        assert words in page, words


@pytest.mark.django_db
def test_the_time_limits_are_those_the_code_applies(client, municipality, settings):
    settings.CONTACT_RETENTION_MONTHS = 7
    settings.WATCH_SIGNUP_RETENTION_MONTHS = 11
    settings.WATCH_ENDED_RETENTION_MONTHS = 5
    settings.OUTBOX_RETENTION_DAYS = 21
    settings.ACCESS_LOG_RETENTION_MONTHS = 30
    settings.BACKUP_RETENTION_DAYS = 9
    settings.SURVEY_TEXT_RETENTION_YEARS = 4
    page = client.get("/personuppgifter/").content.decode()
    assert "fritext tas bort 4 år efter enkätåret" in page
    assert "avslutat i 7 månader" in page
    assert "inte bekräftas tas bort efter 7 dagar" in page
    assert "efter 11 månader" in page and "tas de bort 5 månader efter" in page
    assert "sparas i 21 dagar" in page and "sparas i 30 månader" in page
    assert "i högst 9 dagar" in page


@pytest.mark.django_db
def test_the_address_search_is_named_only_when_it_is_on(client, municipality, settings):
    settings.GEOCODER_URL = ""
    assert "karttjänst utanför kommunen" not in client.get("/personuppgifter/").content.decode()
    settings.GEOCODER_URL = "https://geocoder.example"
    assert "karttjänst utanför kommunen" in client.get("/personuppgifter/").content.decode()


@pytest.mark.django_db
def test_the_english_notice_is_translated(client, municipality):
    client.cookies["django_language"] = "en"
    page = client.get("/personuppgifter/").content.decode()
    assert "Neighbourhood watch" in page and "article 6(1)(e)" in page


@pytest.mark.django_db
def test_no_survey_rule_is_promised_when_there_is_none(client, municipality, settings):
    settings.SURVEY_TEXT_RETENTION_YEARS = 0
    assert "år efter enkätåret" not in client.get("/personuppgifter/").content.decode()
