"""Every anonymous POST of the e-service goes through the guard (issue 8, items 4–6; issue 9):
limits per address answered with 429 and the input kept, bots refused without saving, "me too"
only for published reports, and the duplicate check showing only published ones, rounded."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from tryggve.conftest import CENTRUM
from tryggve.lib.guard import HONEYPOT_FIELD, STARTED_FIELD, new_stamp
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tests.guard_helpers import (
    assert_limited,
    assert_refused_as_bot,
    human,
    set_limit,
    text,
)
from tryggve.reports.models import (
    Report,
    ReportEvent,
    SafetyFeedback,
    Status,
    Voice,
    hash_token,
)
from tryggve.reports.tests.test_models import offset
from tryggve.reports.tests.test_report_new_view import form_data

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Limits: 429, Retry-After, Swedish or English, the input kept ------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_reports_past_the_limit_get_429_and_keep_what_was_typed(citizen, municipality, language):
    set_limit("report", 2)
    if language == "en":
        english(citizen)
    for n in range(2):
        assert citizen.post("/rapportera/", form_data(description=f"Nummer {n}")).status_code == 302
    typed = form_data(description="Den tredje platsen, mörk gångtunnel", contact_name="Ada Berg")
    response = citizen.post("/rapportera/", typed)
    assert_limited(
        response, "Den tredje platsen, mörk gångtunnel", "Ada Berg", english=language == "en"
    )
    assert response.context["form"].is_bound  # the page's own form, filled in
    assert Report.objects.count() == 2
    # Another visitor from the same address shares the bucket; a new session does not help.
    assert Client().post("/rapportera/", form_data()).status_code == 429
    assert Report.objects.count() == 2


def test_invalid_forms_do_not_use_up_the_limit(citizen, municipality):
    set_limit("report", 1)
    for _ in range(3):
        assert citizen.post("/rapportera/", form_data(description="")).status_code == 200
    assert citizen.post("/rapportera/", form_data()).status_code == 302
    assert citizen.post("/rapportera/", form_data()).status_code == 429


def test_the_duplicate_confirm_step_is_limited_too(citizen, make_report, municipality):
    make_report(at=offset(CENTRUM, north_m=10), published=True, public_text="Mörkt")
    set_limit("report", 1)
    assert citizen.post("/rapportera/", form_data(confirm_new="1")).status_code == 302
    response = citizen.post("/rapportera/", form_data(confirm_new="1", description="Igen här"))
    assert_limited(response, "Igen här")
    assert Report.objects.count() == 2


def test_tracking_addition_past_the_limit(citizen, make_report, municipality):
    set_limit("report_addition", 1)
    report = make_report()
    url = f"/rapport/{report.tracking_token}/komplettera/"
    assert citizen.post(url, {"text": "Första tillägget"}).status_code == 302
    response = citizen.post(url, {"text": "Andra tillägget om lampan"})
    assert_limited(response, "Andra tillägget om lampan")
    assert report.events.filter(kind=ReportEvent.Kind.RESIDENT_INFO).count() == 1


def test_reopen_past_the_limit(citizen, make_report, municipality):
    set_limit("report_reopen", 1)
    first, second = make_report(), make_report()
    Report.objects.update(status=Status.RESOLVED, closed=timezone.now() - timedelta(days=1))
    citizen.post(f"/rapport/{first.tracking_token}/oppna-igen/", {"text": "Fortfarande mörkt"})
    response = citizen.post(
        f"/rapport/{second.tracking_token}/oppna-igen/", {"text": "Lampan lyser inte än"}
    )
    assert_limited(response, "Lampan lyser inte än")
    second.refresh_from_db()
    assert second.status == Status.RESOLVED


def test_safety_feedback_past_the_limit(citizen, make_report, municipality):
    set_limit("safety_feedback", 1)
    feedbacks = [
        SafetyFeedback.objects.create(report=make_report(), token_hash=hash_token(token))
        for token in ("svar-ett", "svar-tva")
    ]
    assert citizen.post("/tryggare/svar-ett/", {"answer": "yes"}).status_code == 200
    response = citizen.post("/tryggare/svar-tva/", {"answer": "partly"})
    assert_limited(response)
    assert re.search(r'value="partly"[^>]*checked', response.content.decode())  # still chosen
    feedbacks[1].refresh_from_db()
    assert feedbacks[1].answer == ""


# "Me too": published reports only, limited, and shown as done once done ---------------------


@pytest.fixture
def published(make_report, municipality):
    return make_report(
        at=offset(CENTRUM, north_m=20), published=True, public_text="Mörkt vid torget"
    )


def test_voices_from_fresh_sessions_are_limited_per_address(published):
    set_limit("voice", 2)
    url = f"/karta/{published.reference}/hall-med/"
    for _ in range(2):
        assert Client().post(url).status_code == 302
    response = english(Client()).post(url)
    assert_limited(response, english=True)
    published.refresh_from_db()
    assert published.voice_count == 2


def test_agreeing_from_the_form_counts_as_a_voice(published):
    set_limit("voice", 1)
    data = form_data(agree_with=published.reference)
    assert Client().post("/rapportera/", data).status_code == 302
    response = Client().post("/rapportera/", data)
    assert response.status_code == 429
    published.refresh_from_db()
    assert published.voice_count == 1


def test_agree_with_an_unpublished_report_adds_no_voice(citizen, make_report, municipality):
    hidden = make_report(at=offset(CENTRUM, north_m=20))
    citizen.post("/rapportera/", form_data(agree_with=hidden.reference))
    hidden.refresh_from_db()
    assert hidden.voice_count == 0
    assert not Voice.objects.exists()


def test_after_agreeing_the_button_says_you_have(citizen, published):
    page = f"/karta/{published.reference}/"
    assert "Jag håller också med" in text(citizen.get(page))
    citizen.post(f"{page}hall-med/")
    body = text(citizen.get(page))
    assert "Du har instämt" in body
    assert "Jag håller också med</button>" not in body
    # And in the duplicate check of the report form.
    body = text(citizen.post("/rapportera/", form_data()))
    assert published.reference in body and "Du har instämt" in body
    assert f'name="agree_with" value="{published.reference}"' not in body


# The duplicate check reveals nothing unpublished ---------------------------------------------


def test_duplicate_check_shows_only_published_reports_at_a_rounded_distance(
    citizen, make_report, municipality
):
    hidden = make_report(at=offset(CENTRUM, north_m=12), status=Status.UNDER_REVIEW)
    shown = make_report(at=offset(CENTRUM, north_m=31), published=True, public_text="Mörkt")
    response = citizen.post("/rapportera/", form_data())
    body = text(response)
    assert response.context["nearby"] == [shown]
    assert hidden.reference not in body
    assert "Inom 50 m härifrån" in body
    assert "31 meter" not in body and "12 meter" not in body
    # Only an unpublished one near: no duplicate step at all, the report is filed.
    shown.delete()
    assert citizen.post("/rapportera/", form_data()).status_code == 302


# Bots: honeypot and too fast save nothing ------------------------------------------------


def _endpoints(make_report):
    """Each guarded POST of reports: url, data, and what it would have saved."""
    tracked = make_report()
    closed = make_report()
    Report.objects.filter(pk=closed.pk).update(status=Status.RESOLVED, closed=timezone.now())
    SafetyFeedback.objects.create(report=closed, token_hash=hash_token("fraga"))
    public = make_report(at=offset(CENTRUM, north_m=400), published=True, public_text="Sly")
    return {
        "report": ("/rapportera/", form_data(confirm_new="1"), Report.objects.count),
        "agree_with": (
            "/rapportera/",
            form_data(agree_with=public.reference),
            lambda: Voice.objects.count(),
        ),
        "voice": (f"/karta/{public.reference}/hall-med/", {}, lambda: Voice.objects.count()),
        "addition": (
            f"/rapport/{tracked.tracking_token}/komplettera/",
            {"text": "Mer info"},
            lambda: ReportEvent.objects.filter(kind="resident_info").count(),
        ),
        "reopen": (
            f"/rapport/{closed.tracking_token}/oppna-igen/",
            {"text": "Fortfarande"},
            lambda: ReportEvent.objects.filter(kind="reopened").count(),
        ),
        "feedback": (
            "/tryggare/fraga/",
            {"answer": "no"},
            lambda: SafetyFeedback.objects.exclude(answer="").count(),
        ),
    }


ENDPOINTS = ["report", "agree_with", "voice", "addition", "reopen", "feedback"]


@pytest.mark.parametrize("name", ENDPOINTS)
@pytest.mark.parametrize(
    "trap",
    [
        {HONEYPOT_FIELD: "http://spam.example"},
        {STARTED_FIELD: "now"},  # replaced by a fresh stamp below: sent too fast
        {STARTED_FIELD: "forged"},
        {},  # no stamp at all
    ],
    ids=["honeypot", "too-fast", "forged-stamp", "no-stamp"],
)
def test_bots_are_refused_and_nothing_is_saved(guard_on, make_report, municipality, name, trap):
    url, data, saved = _endpoints(make_report)[name]
    before, mails = saved(), OutgoingMail.objects.count()
    posted = {**human(**data), **trap}
    if trap.get(STARTED_FIELD) == "now":
        posted[STARTED_FIELD] = new_stamp()
    if not trap:
        posted.pop(STARTED_FIELD)
    response = Client().post(url, posted)
    assert_refused_as_bot(response)
    assert saved() == before
    assert OutgoingMail.objects.count() == mails
    # A person's browser, with the checks just as on, gets through.
    assert Client().post(url, human(**data)).status_code in (200, 302)
    assert saved() == before + 1


def test_a_quick_person_sends_again_and_gets_through(guard_on, citizen, municipality):
    stamp = new_stamp()
    data = form_data(description="Skrev fort", contact_email="fort@example.se")
    first = citizen.post("/rapportera/", {**data, STARTED_FIELD: stamp})
    assert_refused_as_bot(first)
    assert "Skrev fort" in text(first) and not Report.objects.exists()
    assert not mail.outbox
    # The form comes back with the time it was first shown, so sending it again a few
    # seconds later is accepted (here: a stamp as if shown a minute ago).
    assert f'name="{STARTED_FIELD}" value="{stamp}"' in first.content.decode()
    assert citizen.post("/rapportera/", human(**data)).status_code == 302
    assert Report.objects.count() == 1


# The address a limit counts ----------------------------------------------------------------


def test_a_spoofed_forwarded_header_does_not_change_the_bucket(settings, published):
    settings.TRUSTED_PROXY_COUNT = 0
    set_limit("voice", 1)
    url = f"/karta/{published.reference}/hall-med/"
    assert Client(HTTP_X_FORWARDED_FOR="6.6.6.1").post(url).status_code == 302
    assert Client(HTTP_X_FORWARDED_FOR="6.6.6.2").post(url).status_code == 429
    published.refresh_from_db()
    assert published.voice_count == 1


def test_behind_a_trusted_proxy_each_visitor_has_a_bucket(settings, published):
    settings.TRUSTED_PROXY_COUNT = 1
    set_limit("voice", 1)
    url = f"/karta/{published.reference}/hall-med/"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    first = Client(HTTP_X_FORWARDED_FOR="spoof, 198.51.100.7", **proxy)
    assert first.post(url).status_code == 302
    # The same visitor again (whatever it writes further left) is over its limit …
    again = Client(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy)
    assert again.post(url).status_code == 429
    # … while another visitor behind the same proxy is not.
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert other.post(url).status_code == 302
    published.refresh_from_db()
    assert published.voice_count == 2


def test_an_unknown_agree_with_counts_as_a_report_not_a_voice(citizen, municipality):
    set_limit("report", 2)
    set_limit("voice", 10)
    for n in range(2):
        assert citizen.post("/rapportera/", form_data(description=f"Nr {n}")).status_code == 302
    response = citizen.post("/rapportera/", form_data(agree_with="NOPE-0000"))
    assert response.status_code == 429
    assert Report.objects.count() == 2


def test_a_held_back_post_writes_no_photos_to_disk(guard_on, citizen, municipality):
    from pathlib import Path

    from tryggve.reports.tests.test_report_new_view import jpeg_upload

    data = form_data()
    del data["description"]  # a person's form would come back to add it
    photos = [jpeg_upload(f"bild{n}.jpg") for n in range(3)]
    response = citizen.post("/rapportera/", {**data, "photos": photos})  # no form_started
    assert response.status_code == 400
    pending_dir = Path(settings.MEDIA_ROOT) / "pending"
    assert not pending_dir.exists() or not any(pending_dir.rglob("*.jpg"))


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_guarded_pages_answer_405_to_other_methods(citizen, published, method):
    for url in ("/rapportera/", f"/karta/{published.reference}/hall-med/"):
        response = getattr(citizen, method)(url)
        assert response.status_code == 405, url
        assert "POST" in response["Allow"]
    assert not Voice.objects.exists()


def test_photos_of_forms_with_errors_are_limited_per_address(citizen, municipality):
    """A form with errors uses up none of the report allowance, but its photos are checked
    and kept all the same: without a limit of their own, one client posting forms with an
    empty description and three photos each filled the disk (150 MB in 25 posts)."""
    from pathlib import Path

    from tryggve.reports.tests.test_report_new_view import field_error, jpeg_upload

    set_limit("report_photo", 3)
    for n in range(2):
        photos = [jpeg_upload(f"bild{n}{m}.jpg") for m in range(2)]
        response = citizen.post("/rapportera/", {**form_data(description=""), "photos": photos})
        assert response.status_code == 200
    pending_dir = Path(settings.MEDIA_ROOT) / "pending"
    assert len(list(pending_dir.rglob("*.jpg"))) == 3
    assert "många bilder härifrån" in field_error(response, "photos")
    assert "Beskriv" in field_error(response, "description")  # the form's own message too
    # A report without photos still goes through: the reports' own allowance is untouched.
    assert citizen.post("/rapportera/", form_data()).status_code == 302


def test_held_back_posts_from_clients_without_a_session_write_no_session(guard_on, published):
    """The guard saved a new session before showing the form again, so every post it held
    back (a bot's, or one past the limit) from a client sending no session cookie wrote a
    row: 50 bot posts, 50 rows, with no limit at all on the bots' side."""
    from django.contrib.sessions.models import Session

    set_limit("voice", 0)
    for _ in range(3):
        response = Client().post("/rapportera/", form_data())  # no timestamp: a bot
        assert_refused_as_bot(response)
        # A "me too" past the limit: the view, run in a rollback, saves a session there.
        response = Client().post("/rapportera/", human(**form_data(agree_with=published.reference)))
        assert response.status_code == 429
        assert "sessionid" not in response.cookies
    assert not Session.objects.exists()
    published.refresh_from_db()
    assert published.voice_count == 0
