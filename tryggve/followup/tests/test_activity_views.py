"""The activity pages: create, edit, status with reason, progress updates, publishing,
and the history shown on the page; who may do what and in which municipality."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup.models import Activity, ActivityStatus, ActivityUpdate, Party
from tryggve.followup.services import activity_update_create

pytestmark = pytest.mark.django_db
ADMIN = {"administrator"}


def url(name, *args):
    return reverse(f"followup:{name}", args=args)


def test_anonymous_goes_to_login_everywhere(client, activity):
    for name in ("activity", "activity_edit"):
        response = client.get(url(name, activity.pk))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(url("activity_status", activity.pk), {"status": "done"})
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED


def test_council_reader_reads_but_sees_no_forms_and_cannot_post(council_reader, activity):
    page = council_reader.get(url("activity", activity.pk)).content.decode()
    assert activity.title in page
    assert "Ny lägesrapport" not in page
    response = council_reader.post(url("activity_status", activity.pk), {"status": "done"})
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED


def test_police_cannot_change_the_municipalitys_activity(police_officer, make_activity):
    activity = make_activity(Party.MUNICIPALITY)
    page = police_officer.get(url("activity", activity.pk)).content.decode()
    assert "Ny lägesrapport" not in page
    assert police_officer.get(url("activity_edit", activity.pk)).status_code == 403
    for name, data in (
        ("activity_status", {"status": "done"}),
        ("activity_update", {"date": "2026-03-01", "text": "Klart"}),
    ):
        assert police_officer.post(url(name, activity.pk), data).status_code == 403
    assert not activity.updates.exists()
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED


def test_case_handler_cannot_change_the_polices_activity(case_handler, make_activity):
    activity = make_activity(Party.POLICE)
    response = case_handler.post(url("activity_status", activity.pk), {"status": "done"})
    assert response.status_code == 403


def test_another_municipalitys_activity_is_a_404(administrator, other_activity):
    assert administrator.get(url("activity", other_activity.pk)).status_code == 404
    response = administrator.post(url("activity_status", other_activity.pk), {"status": "done"})
    assert response.status_code == 404


def test_create_offers_only_the_users_parties_and_saves_once(police_officer, promise):
    commitment = promise.commitments.get(position=1)
    page = police_officer.get(url("activity_create", commitment.pk)).content.decode()
    assert 'value="police"' in page and 'value="both"' in page
    assert 'value="municipality"' not in page
    data = {
        "title": "Patrull vid skolan",
        "responsible_party": "police",
        "planned_start": "2026-02-01",
        "planned_end": "2026-05-31",
        "submission_key": "0b0e5f7e-3c44-4d7e-9a55-2d1c3c6f3a11",
    }
    first = police_officer.post(url("activity_create", commitment.pk), data)
    second = police_officer.post(url("activity_create", commitment.pk), data)
    activity = Activity.objects.get()
    assert first["Location"] == second["Location"] == url("activity", activity.pk)
    assert activity.events.count() == 1


def test_create_refuses_bad_input_with_swedish_messages(police_officer, promise):
    commitment = promise.commitments.get(position=1)
    response = police_officer.post(
        url("activity_create", commitment.pk),
        {
            "title": "",
            "responsible_party": "municipality",
            "planned_start": "2026-05-01",
            "planned_end": "2026-02-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Slutet kan inte ligga före starten." in page
    assert "Välj ett giltigt alternativ" in page
    assert not Activity.objects.exists()


def test_edit_changes_the_activity_and_writes_history(case_handler, activity):
    response = case_handler.post(
        url("activity_edit", activity.pk),
        {
            "title": "Nytt namn",
            "responsible_party": "both",
            "responsible_name": "Hanna",
        },
    )
    assert response.status_code == 302
    page = case_handler.get(url("activity", activity.pk)).content.decode()
    assert "Nytt namn" in page
    assert "Ändrat: vad, ansvarig person" in page


def test_postponing_without_a_reason_says_so_next_to_the_field(case_handler, activity):
    response = case_handler.post(
        url("activity_status", activity.pk), {"status": "postponed", "reason": ""}
    )
    assert response.status_code == 400
    assert "Skriv varför aktiviteten skjuts upp eller ställs in." in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.PLANNED
    case_handler.post(
        url("activity_status", activity.pk),
        {"status": "postponed", "reason": "Väntar på snöröjningen"},
    )
    page = case_handler.get(url("activity", activity.pk)).content.decode()
    assert "Väntar på snöröjningen" in page
    assert "Planerad → Uppskjuten" in page


def test_a_progress_update_is_saved_once_and_publishing_is_explicit(police_officer, activity):
    data = {
        "date": "2026-03-01",
        "text": "Tre områden erbjudna.",
        "percent": "30",
        "submission_key": "5d3c1b88-6a0e-4f0e-9c7d-1f4e8b2a9c00",
    }
    police_officer.post(url("activity_update", activity.pk), data)
    police_officer.post(url("activity_update", activity.pk), data)
    update = ActivityUpdate.objects.get()
    assert (update.percent, update.public) == (30, False)
    police_officer.post(url("update_publish", activity.pk, update.pk), {"public": "1"})
    assert ActivityUpdate.objects.get().public
    page = police_officer.get(url("activity", activity.pk)).content.decode()
    assert "Publicerad på sidan Medborgarlöften." in page
    assert "Lägesrapport publicerad" in page


def test_a_bad_progress_update_keeps_the_text_and_says_why(police_officer, activity):
    response = police_officer.post(
        url("activity_update", activity.pk),
        {"date": "20026-03-01", "text": "Mycket hände", "percent": "150"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mycket hände" in page
    assert "Fyll i ett giltigt datum." in page
    assert "mindre än eller lika med 100" in page
    assert not ActivityUpdate.objects.exists()


def test_an_update_of_another_activity_is_not_published_through_this_one(
    administrator, activity, make_activity
):
    other = make_activity(Party.POLICE)
    update = activity_update_create(
        activity=other, date=datetime.date(2026, 3, 1), text="x", actor=None, roles=ADMIN
    )
    response = administrator.post(url("update_publish", activity.pk, update.pk), {"public": "1"})
    assert response.status_code == 404
    assert not ActivityUpdate.objects.get().public


def test_history_page_queries_do_not_grow_with_updates(
    council_reader, activity, django_assert_max_num_queries
):
    activity_update_create(
        activity=activity, date=datetime.date(2026, 3, 1), text="x", actor=None, roles=ADMIN
    )
    council_reader.get(url("activity", activity.pk))
    with django_assert_max_num_queries(20) as before:
        council_reader.get(url("activity", activity.pk))
    for day in range(2, 12):
        activity_update_create(
            activity=activity, date=datetime.date(2026, 3, day), text="y", actor=None, roles=ADMIN
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        council_reader.get(url("activity", activity.pk))


def test_evidence_links_only_to_pages_the_reader_may_open(
    case_handler, police_officer, council_reader, activity, make_report, municipality
):
    """Each evidence target is named for everyone, but linked only for roles its page
    opens for (no link that answers 403)."""
    from tryggve.followup.services import evidence_link_add
    from tryggve.surveys.services import survey_create_from_bank

    update = activity_update_create(
        activity=activity, date=datetime.date(2026, 3, 1), text="Klart.", actor=None, roles=ADMIN
    )
    report = make_report()
    survey = survey_create_from_bank(municipality=municipality, year=2026)
    for target in ({"report": report}, {"survey": survey}):
        kind = next(iter(target))
        evidence_link_add(update=update, kind=kind, actor=None, roles=ADMIN, **target)
    case_url = reverse("reports:staff_case", args=[report.reference])
    survey_url = reverse("surveys:staff_results", args=[survey.pk])
    expected = {
        case_handler: (True, True),
        police_officer: (False, False),
        council_reader: (False, True),
    }
    for user, (case_link, survey_link) in expected.items():
        page = user.get(url("activity", activity.pk)).content.decode()
        assert report.reference in page
        assert (f'href="{case_url}"' in page) is case_link
        assert (f'href="{survey_url}"' in page) is survey_link


def _offered(response) -> set[str]:
    field = response.context["form"].fields["responsible_user"]
    return {user.username for user in field.queryset}


def test_the_responsible_staff_are_the_municipalitys_own(
    django_user_model, case_handler, municipality, arjeplog, promise
):
    """While several municipalities are served, the form names only staff who may use this
    municipality's pages: never another municipality's staff, except the police officers
    of its police area."""
    from django.contrib.auth.models import Group

    from tryggve.conftest import _staff_client

    municipality.members.add(case_handler.user)
    theirs = _staff_client(django_user_model, "arjeplogs-handlaggare", "case_handler")
    arjeplog.members.add(theirs.user)
    their_officer = _staff_client(django_user_model, "arjeplogs-polis", "police_officer")
    arjeplog.members.add(their_officer.user)
    # A police officer of Arjeplog who is also its case handler: named as a police officer.
    their_officer.user.groups.add(Group.objects.get_or_create(name="case_handler")[0])
    commitment = promise.commitments.get(position=1)
    url = reverse("followup:activity_create", kwargs={"commitment_pk": commitment.pk})
    response = case_handler.get(url)
    assert _offered(response) == {"handlaggare", "arjeplogs-polis"}
    assert "Arjeplogs-Handlaggare" not in response.content.decode()
    refused = case_handler.post(
        url,
        {"title": "Trygghetsvandring", "responsible_party": Party.MUNICIPALITY,
         "responsible_user": theirs.user.pk},
    )
    assert refused.status_code == 400
    assert not promise.commitments.get(position=1).activities.exists()


def test_one_named_before_stays_offered(case_handler, django_user_model, municipality,
                                       arjeplog, make_activity):
    from tryggve.conftest import _staff_client

    municipality.members.add(case_handler.user)
    moved = _staff_client(django_user_model, "flyttat", "case_handler")
    activity = make_activity(Party.BOTH, responsible_user=moved.user)
    response = case_handler.get(
        reverse("followup:activity_edit", kwargs={"activity_pk": activity.pk})
    )
    assert "flyttat" in _offered(response)
