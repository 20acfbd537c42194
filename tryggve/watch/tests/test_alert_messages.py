"""Near-repeat alerts put to use (issue 9, item 7): the situation picture and the message page
list every alert grouped by burglary, say which touched areas have an active group, and send
a prefilled warning only to the contact persons of the active areas it touches."""

from __future__ import annotations

import pytest

from tryggve.analytics.models import NearRepeatAlert
from tryggve.areas.models import ResidentialArea
from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import WatchMessage

MESSAGES = "/personal/grannsamverkan/meddelanden/"
OVERVIEW = "/personal/lagesbild/"


@pytest.fixture
def far_alert(alert):
    """The same burglary also touches Tallbacka, where no group is active."""
    return NearRepeatAlert.objects.create(
        incident=alert.incident,
        area=ResidentialArea.objects.get(name="Tallbacka"),
        distance_m=320,
    )


@pytest.fixture
def gathering_elsewhere(make_area, join, approve):
    """A gathering (not active) area in Tallbacka with an approved contact person."""
    area = make_area(households=200, name="Tallbacka norra", residential="Tallbacka")
    approve(join(area, name="Tove Tallbacka", email="tove@example.se", volunteer=True))
    return area


def test_the_overview_links_each_alert_to_its_active_group(
    police_officer, active_area, alert, far_alert, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = police_officer.get(OVERVIEW)
    page = response.content.decode()
    assert f"{MESSAGES}?larm={alert.pk}" in page
    assert "Skicka till kontaktombuden" in page
    assert "Aktiv grupp: 1 kontaktombud" in page
    assert "Ingen aktiv grupp" in page
    assert f"?larm={far_alert.pk}" not in page  # nobody to warn in Tallbacka
    incidents = response.context["alert_incidents"]
    assert [(i, [a.area.name for a in group]) for i, group in incidents] == [
        (alert.incident, ["Tallbacka", "Centrum"])
    ]


def test_council_readers_see_no_single_burglaries_nor_send_links(
    council_reader, active_area, alert
):
    # The council reads aggregates: no alert (a burglary's time and distance) at all.
    page = council_reader.get(OVERVIEW).content.decode()
    assert "Aktiv grupp" not in page
    assert "Förberedda larm" not in page
    assert "?larm=" not in page


def test_the_message_page_lists_alerts_of_inactive_areas_without_a_button(
    police_officer, alert, far_alert, gathering_elsewhere, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        page = police_officer.get(MESSAGES).content.decode()
    assert "Tallbacka" in page and "Centrum" in page
    assert page.count("Ingen aktiv grupp") == 2
    assert "?larm=" not in page


def test_the_button_prefills_and_sends_only_to_active_areas(
    police_officer, active_area, alert, far_alert, gathering_elsewhere
):
    page = police_officer.get(MESSAGES).content.decode()
    assert page.count("Skicka till kontaktombuden") == 1
    response = police_officer.get(MESSAGES, {"larm": alert.pk})
    form = response.context["form"]
    assert form.initial["subject"] == "Inbrott nära Centrum"
    assert "Storgatan" not in form.initial["body"]  # the area, never the household
    assert "Till: Lärkan (1 kontaktombud i aktiva grupper)" in response.content.decode()
    queued = OutgoingMail.objects.count()
    response = police_officer.post(
        MESSAGES,
        {
            # A forged target is ignored: an alert goes to the active areas it touches.
            "area": gathering_elsewhere.pk,
            "subject": form.initial["subject"],
            "body": form.initial["body"],
            "alert": alert.pk,
        },
    )
    assert response.status_code == 302
    message = WatchMessage.objects.get()
    assert message.area == active_area and message.alert == alert
    assert [d.household.email for d in message.deliveries.all()] == ["kim@example.se"]
    assert OutgoingMail.objects.count() == queued + 1
    page = police_officer.get(MESSAGES).content.decode()
    assert "Skickat " in page


def test_an_alert_without_an_active_group_cannot_be_sent(
    police_officer, far_alert, gathering_elsewhere
):
    assert not police_officer.get(MESSAGES, {"larm": far_alert.pk}).context["form"].initial
    response = police_officer.post(
        MESSAGES, {"subject": "Inbrott", "body": "Lås dörren.", "alert": far_alert.pk}
    )
    assert response.status_code == 400
    assert "Larmet berör inget aktivt område med kontaktombud." in response.content.decode()
    assert not WatchMessage.objects.exists()


def test_the_message_page_is_for_the_watch_roles(client, council_reader, alert):
    assert council_reader.get(MESSAGES).status_code == 403
    response = client.get(MESSAGES, {"larm": alert.pk})
    assert response.status_code == 302 and "/personal/logga-in/" in response["Location"]


def test_the_start_page_counts_only_alerts_that_can_still_be_sent(
    police_officer, active_area, alert, far_alert, gathering_elsewhere
):
    from tryggve.watch.selectors import alerts_to_send_count

    # Centrum's alert reaches an active group; Tallbacka's reaches none.
    assert alerts_to_send_count() == 1
    police_officer.post(
        MESSAGES, {"subject": "Inbrott nära Centrum", "body": "Lås dörren.", "alert": alert.pk}
    )
    assert WatchMessage.objects.filter(alert=alert).exists()
    assert alerts_to_send_count() == 0
