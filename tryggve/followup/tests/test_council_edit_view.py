"""Correcting a council meeting (`council_views.council_edit_view` and
`council.council_meeting_edit`): who may, another municipality's meeting, the checks a new
meeting has, bad input kept with the message next to its field, and a double submit."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.council import council_meeting_create, council_meeting_edit
from tryggve.followup.models import CouncilMeeting
from tryggve.followup.services import FollowupRefused

pytestmark = pytest.mark.django_db


def edit_url(meeting):
    return reverse("followup:council_edit", args=[meeting.pk])


@pytest.fixture
def meeting(municipality, today):
    return council_meeting_create(
        municipality=municipality,
        date=datetime.date(today.year, 3, 10),
        title="Rådsmöte",
        place="Kommunhuset",
        notes="Kallelse skickad.",
    )


def corrected(today, **changes):
    return {
        "date": f"{today.year}-03-12",
        "title": "Hälsa- och trygghetsrådet, vår",
        "place": "Medborgarhuset",
        "notes": "Flyttat två dagar.",
        **changes,
    }


def test_anonymous_goes_to_login_and_changes_nothing(client, meeting, today):
    assert client.get(edit_url(meeting)).status_code == 302
    response = client.post(edit_url(meeting), corrected(today))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert CouncilMeeting.objects.get().title == "Rådsmöte"


def test_wrong_roles_are_refused(council_reader, police_officer, meeting, today):
    for staff in (council_reader, police_officer):
        assert staff.get(edit_url(meeting)).status_code == 403
        assert staff.post(edit_url(meeting), corrected(today)).status_code == 403
    assert CouncilMeeting.objects.get().date == datetime.date(today.year, 3, 10)
    page = police_officer.get(reverse("followup:council_meeting", args=[meeting.pk]))
    assert edit_url(meeting) not in page.content.decode()


def test_another_municipalitys_meeting_is_a_404(administrator, other_municipality, today):
    other = council_meeting_create(
        municipality=other_municipality, date=datetime.date(today.year, 3, 10), title="Luleå"
    )
    assert administrator.get(edit_url(other)).status_code == 404
    assert administrator.post(edit_url(other), corrected(today)).status_code == 404
    assert CouncilMeeting.objects.get(pk=other.pk).title == "Luleå"


def test_case_handler_corrects_the_meeting(case_handler, meeting, today):
    page = case_handler.get(reverse("followup:council_meeting", args=[meeting.pk]))
    assert edit_url(meeting) in page.content.decode()
    form = case_handler.get(edit_url(meeting)).content.decode()
    assert "Kommunhuset" in form and "Kallelse skickad." in form  # today's values to correct
    assert 'name="csrfmiddlewaretoken"' in form
    response = case_handler.post(edit_url(meeting), corrected(today))
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:council_meeting", args=[meeting.pk])
    meeting.refresh_from_db()
    assert (meeting.date, meeting.title, meeting.place, meeting.notes) == (
        datetime.date(today.year, 3, 12),
        "Hälsa- och trygghetsrådet, vår",
        "Medborgarhuset",
        "Flyttat två dagar.",
    )


def test_double_submit_is_harmless(administrator, meeting, today):
    first = administrator.post(edit_url(meeting), corrected(today))
    second = administrator.post(edit_url(meeting), corrected(today))
    assert first.status_code == second.status_code == 302
    assert CouncilMeeting.objects.count() == 1
    assert CouncilMeeting.objects.get().date == datetime.date(today.year, 3, 12)


def test_a_day_with_another_meeting_is_refused_next_to_the_date(
    administrator, meeting, municipality, today
):
    council_meeting_create(
        municipality=municipality, date=datetime.date(today.year, 3, 12), title="Extra"
    )
    response = administrator.post(edit_url(meeting), corrected(today))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rådet har redan ett möte den dagen." in page
    assert 'id="id_date_error"' in page
    assert "Medborgarhuset" in page  # what was typed is kept
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(today.year, 3, 10)
    assert meeting.place == "Kommunhuset"


def test_bad_input_keeps_the_typed_text_with_swedish_messages(administrator, meeting, today):
    data = corrected(today, date="32 mars", title="", place="Ny plats")
    response = administrator.post(edit_url(meeting), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_date_error"' in page and 'id="id_title_error"' in page
    assert "Ny plats" in page and "32 mars" in page and "Flyttat två dagar." in page
    assert "aria-invalid" in page
    meeting.refresh_from_db()
    assert meeting.title == "Rådsmöte"


def test_a_date_outside_the_sensible_range_is_refused(administrator, meeting, today):
    response = administrator.post(edit_url(meeting), corrected(today, date="2999-03-12"))
    assert response.status_code == 400
    assert "Ange ett datum mellan år" in response.content.decode()
    response = administrator.post(edit_url(meeting), corrected(today, date="1999-03-12"))
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(today.year, 3, 10)


def test_the_service_refuses_a_taken_day_and_saves_nothing_unchanged(meeting, municipality):
    other = council_meeting_create(
        municipality=municipality, date=datetime.date(meeting.date.year, 4, 1), title="April"
    )
    with pytest.raises(FollowupRefused):
        council_meeting_edit(meeting=meeting, date=other.date, title="X")
    same = {"date": meeting.date, "title": meeting.title, "place": meeting.place}
    assert council_meeting_edit(meeting=meeting, notes=meeting.notes, **same) == meeting
    meeting.refresh_from_db()
    assert meeting.title == "Rådsmöte"
