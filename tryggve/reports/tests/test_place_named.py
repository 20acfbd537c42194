"""Every place the case handling names is given in words (area, nearest street), with
coordinates that cannot be misread and a map: case page, print, public page, unit mails."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail

from tryggve.reports.models import Unit
from tryggve.reports.services import report_assign_unit, unit_digests_send

NAMED = "Centrum, nära Torggatan (cirka 50 m; gatans läge är ungefärligt)"
COORDS = "65.59000° N, 19.18000° E"
# What the pages showed before: a pair that reads as four numbers with the decimal comma.
AMBIGUOUS = "65,59000, 19,18000"


def map_config(page: str) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_the_case_page_names_the_place_and_has_a_mini_map(case_handler, streets, make_report):
    report = make_report(place_description="Vid busskuren")
    page = case_handler.get(f"/personal/arenden/{report.reference}/").content.decode()
    assert NAMED in page
    assert COORDS in page
    assert "SWEREF 99 TM: N 7280614, E 692644" in page
    assert "Vid busskuren" in page
    assert AMBIGUOUS not in page
    assert 'id="place-map"' in page
    assert 'href="https://www.openstreetmap.org/?mlat=65.59000&amp;mlon=19.18000' in page
    assert map_config(page)["center"] == [65.59, 19.18]


@pytest.mark.django_db
def test_a_case_without_position_says_so(case_handler, streets, make_report):
    report = make_report(at=None)
    page = case_handler.get(f"/personal/arenden/{report.reference}/").content.decode()
    assert "Ingen position på kartan." in page
    assert 'id="place-map"' not in page


@pytest.mark.django_db
def test_the_print_names_the_place(case_handler, streets, make_report):
    report = make_report()
    page = case_handler.get(f"/personal/arenden/{report.reference}/utskrift/").content.decode()
    assert NAMED in page and COORDS in page and AMBIGUOUS not in page


@pytest.mark.django_db
def test_the_public_page_has_a_map_at_the_public_precision(citizen, streets, make_report):
    report = make_report(at=(65.5900004, 19.1800004), published=True, public_text="Trasig lampa")
    page = citizen.get(f"/karta/{report.reference}/").content.decode()
    assert NAMED in page and COORDS in page
    assert "SWEREF" not in page  # staff detail only
    assert map_config(page)["center"] == [65.59, 19.18]  # six decimals, as the public map
    assert 'id="place-map"' in page


@pytest.mark.django_db
def test_the_unit_mail_names_the_place(
    streets, make_report, case_handler, django_capture_on_commit_callbacks
):
    report = make_report(place_description="Vid busskuren")
    unit = Unit.objects.create(name="Gatubelysning", email="ljus@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        report_assign_unit(report=report, unit=unit, actor=case_handler.user)
    body = mail.outbox[-1].body
    assert "Vid busskuren" in body
    assert NAMED in body and COORDS in body and AMBIGUOUS not in body
    assert "https://www.openstreetmap.org/?mlat=65.59000&mlon=19.18000" in body


@pytest.mark.django_db
def test_the_unit_digest_names_each_place(
    streets, make_report, django_capture_on_commit_callbacks
):
    unit = Unit.objects.create(name="Gatubelysning", email="ljus@example.se")
    report = make_report()
    report.unit = unit
    report.save(update_fields=["unit"])
    with django_capture_on_commit_callbacks(execute=True):
        unit_digests_send()
    body = mail.outbox[-1].body
    assert report.reference in body
    assert NAMED in body and COORDS in body
