"""The resident's private tracking page /rapport/<token>/ and its photos."""

import pytest

from tryggve.lib.images import clean_image
from tryggve.lib.tests.imagefiles import jpeg_with_gps
from tryggve.reports.models import ReportEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(make_report, municipality):
    report = make_report(
        description="Det är så mörkt att jag inte vågar gå hem.",
        contact_email="anna@example.se",
        photos=[clean_image(jpeg_with_gps())],
    )
    ReportEvent.objects.create(
        report=report,
        kind="status",
        from_status="received",
        to_status="forwarded",
        audience="resident",
        text="Vi har skickat ärendet till gatubelysningen.",
    )
    ReportEvent.objects.create(
        report=report, kind="note", text="Internt: ring elbolaget, fråga efter Bengt."
    )
    return report


def test_valid_token_shows_the_case(citizen, tracked):
    response = citizen.get(f"/rapport/{tracked.tracking_token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert tracked.reference in body
    assert "Det är så mörkt att jag inte vågar gå hem." in body  # the resident's own words
    assert "Centrum" in body
    assert "Vi har skickat ärendet till gatubelysningen." in body
    assert "Skickad till ansvarig" in body
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_only_public_events_are_shown(citizen, tracked, make_report):
    body = citizen.get(f"/rapport/{tracked.tracking_token}/").content.decode()
    assert "Bengt" not in body
    assert "ring elbolaget" not in body


def test_the_link_works_in_another_browser(outsider, tracked):
    assert outsider.get(f"/rapport/{tracked.tracking_token}/").status_code == 200


@pytest.mark.parametrize(
    "token",
    ["fel-token", "a" * 32, "%00", "OTR-2026-00001", "x" * 2000],
)
def test_wrong_token_is_404(citizen, tracked, token):
    assert citizen.get(f"/rapport/{token}/").status_code == 404


def test_token_is_case_sensitive_and_exact(citizen, tracked):
    token = tracked.tracking_token
    assert citizen.get(f"/rapport/{token[:-1]}/").status_code == 404
    assert citizen.get(f"/rapport/{token.swapcase()}/").status_code == 404


def test_the_hash_is_not_a_token(citizen, tracked):
    assert citizen.get(f"/rapport/{tracked.tracking_token_hash}/").status_code == 404


def test_other_reports_are_not_reachable_with_this_token(citizen, tracked, make_report):
    other = make_report(description="Någon annans text")
    body = citizen.get(f"/rapport/{tracked.tracking_token}/").content.decode()
    assert "Någon annans text" not in body
    assert other.reference not in body


def test_unapproved_photo_is_visible_with_the_token(citizen, tracked):
    photo = tracked.photos.get()
    assert not photo.approved
    body = citizen.get(f"/rapport/{tracked.tracking_token}/").content.decode()
    assert f"/rapport/{tracked.tracking_token}/bild/{photo.pk}/" in body
    response = citizen.get(f"/rapport/{tracked.tracking_token}/bild/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_needs_the_right_token(citizen, tracked, make_report):
    photo = tracked.photos.get()
    other = make_report(photos=[clean_image(jpeg_with_gps())])
    assert citizen.get(f"/rapport/fel/bild/{photo.pk}/").status_code == 404
    # Another report's token does not open this report's photo.
    assert citizen.get(f"/rapport/{other.tracking_token}/bild/{photo.pk}/").status_code == 404
    assert citizen.get(f"/rapport/{tracked.tracking_token}/bild/999999/").status_code == 404


def test_photo_whose_file_is_gone_is_404(citizen, tracked):
    photo = tracked.photos.get()
    photo.image.delete(save=False)
    assert citizen.get(f"/rapport/{tracked.tracking_token}/bild/{photo.pk}/").status_code == 404


# Per municipality (issue 14) ---------------------------------------------------------------

ARJEPLOG_HOST = {"HTTP_HOST": "trygg.arjeplog.se"}


@pytest.fixture
def theirs(arjeplog, make_report):
    """A report of Arjeplog (served beside Arvidsjaur) with a photo."""
    from tryggve.conftest import ARJEPLOG
    from tryggve.lib import tenancy

    with tenancy.serving(arjeplog.code):
        return make_report(at=ARJEPLOG, photos=[clean_image(jpeg_with_gps())])


def test_arjeplogs_tracking_page_opens_only_on_arjeplogs_site(citizen, theirs):
    page = f"/rapport/{theirs.tracking_token}/"
    photo = f"{page}bild/{theirs.photos.get().pk}/"
    for path in (page, photo):
        assert citizen.get(f"/arjeplog{path}").status_code == 200, path
        assert citizen.get(path, **ARJEPLOG_HOST).status_code == 200, path
        assert citizen.get(path).status_code == 404, path
    assert "Arjeplog" in citizen.get(f"/arjeplog{page}").content.decode()


def test_arvidsjaurs_tracking_page_opens_only_on_arvidsjaurs_site(citizen, arjeplog, tracked):
    page = f"/rapport/{tracked.tracking_token}/"
    photo = f"{page}bild/{tracked.photos.get().pk}/"
    for path in (page, photo):
        assert citizen.get(path).status_code == 200, path
        assert citizen.get(f"/arjeplog{path}").status_code == 404, path
        assert citizen.get(path, **ARJEPLOG_HOST).status_code == 404, path
