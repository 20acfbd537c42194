"""Staff pages under /personal/grannsamverkan/: who may see and do what, the offer form, the
area page's forms, messages (with the alert prefill) and figures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tryggve.areas.models import ResidentialArea
from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import AreaEvent, Household, StartMeeting, WatchArea, WatchMessage
from tryggve.watch.services import message_send

MANAGERS = ["police_officer", "case_handler", "administrator"]
READERS = MANAGERS + ["council_reader"]
EVERYONE = READERS + ["staff_without_role"]


def gets(area):
    base = f"/personal/grannsamverkan/{area.slug}/"
    return {
        "/personal/grannsamverkan/": MANAGERS,
        base: MANAGERS,
        "/personal/grannsamverkan/meddelanden/": MANAGERS,
        "/personal/grannsamverkan/siffror/": READERS,
    }


def posts(area, household, meeting):
    base = f"/personal/grannsamverkan/{area.slug}/"
    return [
        (
            "/personal/grannsamverkan/",
            {
                "residential_area": area.residential_area_id,
                "name": "Nytt",
                "households": "9",
                "streets": "Gatan",
            },
        ),
        (f"{base}lage/", {"to_state": "paused"}),
        (f"{base}hushall/", {"households": "99", "reason": "Fel"}),
        (f"{base}anmalningar/", {"households": [household.pk], "action": "role:"}),
        (f"{base}granskad/", {}),
        (f"{base}startmote/", {"when": "2026-12-03 18:00", "place": "Skolan"}),
        (f"{base}narvaro/", {"meeting": meeting.pk, "attended": [household.pk]}),
        (f"{base}skyltar/", {"ordered": "2026-01-02"}),
        ("/personal/grannsamverkan/meddelanden/", {"subject": "S", "body": "B", "area": area.pk}),
    ]


@pytest.fixture
def scene(ready_area, staff_user):
    meeting = StartMeeting.objects.create(area=ready_area, when=timezone.now(), place="Aulan")
    return ready_area, ready_area.contact, meeting


def snapshot(area):
    area = WatchArea.objects.get(pk=area.pk)
    return (
        area.state,
        area.households,
        area.signs_ordered,
        WatchArea.objects.count(),
        AreaEvent.objects.count(),
        StartMeeting.objects.count(),
        list(StartMeeting.objects.filter(held=True).values_list("pk", flat=True)),
        list(Household.objects.values_list("contact_role", flat=True)),
        WatchMessage.objects.count(),
    )


@pytest.mark.parametrize("persona", EVERYONE)
def test_get_access_matrix(request, scene, persona):
    client = request.getfixturevalue(persona)
    area = scene[0]
    for url, allowed in gets(area).items():
        status = client.get(url).status_code
        assert status == (200 if persona in allowed else 403), (persona, url, status)


def test_anonymous_visitors_go_to_the_login(client, scene):
    area, household, meeting = scene
    before = snapshot(area)
    for url in gets(area):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/personal/logga-in/")
    for url, data in posts(area, household, meeting):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/personal/logga-in/")
    assert snapshot(area) == before


@pytest.mark.parametrize("persona", ["council_reader", "staff_without_role"])
def test_posts_by_wrong_roles_change_nothing(request, scene, persona):
    client = request.getfixturevalue(persona)
    area, household, meeting = scene
    before = snapshot(area)
    for url, data in posts(area, household, meeting):
        assert client.post(url, data).status_code == 403, url
    assert snapshot(area) == before


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_may_post_every_form(request, scene, persona):
    client = request.getfixturevalue(persona)
    area, household, meeting = scene
    before = snapshot(area)
    for url, data in posts(area, household, meeting):
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.status_code)
    after = snapshot(area)
    assert after != before
    assert WatchMessage.objects.count() == 1
    assert WatchArea.objects.filter(name="Nytt").exists()


def test_action_urls_refuse_get(police_officer, scene):
    area = scene[0]
    for suffix in (
        "lage",
        "hushall",
        "anmalningar",
        "granskad",
        "startmote",
        "narvaro",
        "skyltar",
    ):
        assert (
            police_officer.get(f"/personal/grannsamverkan/{area.slug}/{suffix}/").status_code == 405
        )


def test_unknown_area_is_404(police_officer, municipality):
    assert police_officer.get("/personal/grannsamverkan/finns-inte/").status_code == 404
    assert (
        police_officer.post(
            "/personal/grannsamverkan/finns-inte/lage/", {"to_state": "ended"}
        ).status_code
        == 404
    )


# Offer -------------------------------------------------------------------------------------


def test_index_lists_areas_beside_the_exposure_ranking(police_officer, ready_area):
    response = police_officer.get("/personal/grannsamverkan/")
    html = response.content.decode()
    assert "Lärkan" in html and "43 / 43 / 61" in html
    # No burglaries at all: the areas are listed by name, with no claim of a ranking.
    assert "Bostadsområden, mest utsatta först" not in html
    assert "Bostadsområden i bokstavsordning (ingen rangordning)" in html
    assert "För få händelser för att skilja områdena åt." in html
    areas = ResidentialArea.objects.filter(municipality__code="2505")
    assert len(response.context["ranked"]) == areas.count()


def test_the_ranking_marks_only_the_synthetic_part_of_a_count(police_officer, municipality):
    """"3 (syntetiska)" said all three were demo data when one was."""
    from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup

    # This year's, the year ranked, whatever today's date.
    new_year = timezone.localtime().replace(month=1, day=1, hour=12)

    def burglaries(name: str, synthetic: list[bool]) -> None:
        area = ResidentialArea.objects.get(municipality__code="2505", name=name)
        lat, lon = area.inner_point()
        place = {"lat": lat, "lon": lon, "precise": True, "municipality_code": "2505"}
        Incident.objects.bulk_create(
            Incident(
                source=IncidentSource.CSV,
                external_id=f"{name}-{n}",
                occurred_at=new_year + timedelta(minutes=n),
                area=area,
                offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
                synthetic=made_up,
                **place,
            )
            for n, made_up in enumerate(synthetic)
        )

    burglaries("Centrum", [False, True, False])
    burglaries("Tallbacka", [True, True])
    html = police_officer.get("/personal/grannsamverkan/").content.decode()
    assert "<td>3 <span class=\"synthetic-mark\">(varav 1 syntetisk)</span></td>" in html
    assert "<td>2 <span class=\"synthetic-mark\">(syntetiska)</span></td>" in html


def test_an_area_exposed_on_a_single_incident_says_so_on_the_offer_list(
    police_officer, municipality
):
    """Three burglaries in Tallbacka and none elsewhere: "Utsatt" at 99 %, yet with one
    fewer nothing could be ranked. The list areas are offered from says so, as the
    overview does."""
    from tryggve.analytics.models import Incident, IncidentSource, OffenceGroup

    new_year = timezone.localtime().replace(month=1, day=1, hour=12)
    area = ResidentialArea.objects.get(municipality__code="2505", name="Tallbacka")
    lat, lon = area.inner_point()
    Incident.objects.bulk_create(
        Incident(
            source=IncidentSource.CSV,
            external_id=f"t-{n}",
            occurred_at=new_year + timedelta(minutes=n),
            area=area,
            offence_group=OffenceGroup.RESIDENTIAL_BURGLARY,
            lat=lat,
            lon=lon,
            precise=True,
            municipality_code="2505",
        )
        for n in range(3)
    )
    html = police_officer.get("/personal/grannsamverkan/").content.decode()
    assert (
        "<strong>Utsatt</strong><br>men osäkert: med en händelse färre vore området inte utsatt"
    ) in html


def test_offer_a_residential_area(police_officer, municipality):
    tallbacka = ResidentialArea.objects.get(name="Tallbacka")
    response = police_officer.post(
        "/personal/grannsamverkan/",
        {
            "residential_area": tallbacka.pk,
            "name": "Tallbacka norra",
            "households": "61",
            "streets": "Tallvägen\r\nGranvägen\r\n",
        },
    )
    area = WatchArea.objects.get()
    assert response["Location"] == f"/personal/grannsamverkan/{area.slug}/"
    assert area.slug == "tallbacka-norra"
    assert area.street_list == ["Tallvägen", "Granvägen"]
    assert area.geometry
    assert area.events.get().actor == police_officer.user


def test_offer_fills_name_and_households_from_the_residential_area(police_officer, municipality):
    tallbacka = ResidentialArea.objects.get(name="Tallbacka")
    page = police_officer.get("/personal/grannsamverkan/")
    defaults = page.context["offer_defaults"][str(tallbacka.pk)]
    assert defaults == {"name": "Tallbacka", "households": tallbacka.households}
    assert 'id="offer-defaults"' in page.content.decode()
    assert "watch/offer-form.js" in page.content.decode()
    # Without JavaScript the empty fields are filled on the server.
    police_officer.post(
        "/personal/grannsamverkan/",
        {"residential_area": tallbacka.pk, "name": "", "households": "", "streets": "Tallvägen"},
    )
    area = WatchArea.objects.get()
    assert (area.name, area.households) == ("Tallbacka", tallbacka.households)


def test_offer_an_area_with_its_own_boundary(police_officer, municipality):
    polygon = {
        "type": "Polygon",
        "coordinates": [
            [[19.17, 65.58], [19.19, 65.58], [19.19, 65.60], [19.17, 65.60], [19.17, 65.58]]
        ],
    }
    upload = SimpleUploadedFile("grans.geojson", json.dumps(polygon).encode(), "application/json")
    response = police_officer.post(
        "/personal/grannsamverkan/",
        {
            "residential_area": "",
            "name": "Egen",
            "households": "20",
            "streets": "Gatan",
            "boundary": upload,
        },
    )
    assert response.status_code == 302
    assert WatchArea.objects.get(name="Egen").residential_area is None


@pytest.mark.parametrize(
    "data",
    [
        {"residential_area": "", "name": "X", "households": "9", "streets": "G"},
        {"residential_area": "99999", "name": "X", "households": "9", "streets": "G"},
        {"residential_area": "", "name": "", "households": "9", "streets": "G"},
        {"name": "X", "households": "0", "streets": "G"},
        {"name": "X", "households": "abc", "streets": "G"},
        {"name": "X" * 500, "households": "9", "streets": "G"},
        {"name": "X", "households": "9", "streets": ""},
        {
            "name": "X",
            "households": "9",
            "streets": "G",
            "boundary": SimpleUploadedFile("g.geojson", b"not json"),
        },
        {
            "name": "X",
            "households": "9",
            "streets": "G",
            "boundary": SimpleUploadedFile("g.geojson", b"\xff\xfe\x00garbage"),
        },
    ],
)
def test_bad_offers_are_refused(police_officer, municipality, data):
    data = dict(data)
    data.setdefault("residential_area", ResidentialArea.objects.first().pk)
    response = police_officer.post("/personal/grannsamverkan/", data)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not WatchArea.objects.exists()


def test_reserved_words_never_become_slugs(police_officer, municipality):
    area = ResidentialArea.objects.first()
    for name in ("Bekräfta", "Mitt hushåll", "Meddelanden", "Siffror"):
        police_officer.post(
            "/personal/grannsamverkan/",
            {"residential_area": area.pk, "name": name, "households": "9", "streets": "G"},
        )
    slugs = set(WatchArea.objects.values_list("slug", flat=True))
    assert not slugs & {"bekrafta", "mitt-hushall", "meddelanden", "siffror"}


# Area page forms ----------------------------------------------------------------------------


def test_area_page_shows_households_with_contact_details(case_handler, ready_area):
    html = case_handler.get(f"/personal/grannsamverkan/{ready_area.slug}/").content.decode()
    assert "Kim Kontakt" in html and "kim@example.se" in html
    assert "Redo att starta" in html
    assert '<option value="active">' in html


def test_start_from_the_area_page(police_officer, ready_area):
    base = f"/personal/grannsamverkan/{ready_area.slug}/"
    response = police_officer.post(f"{base}lage/", {"to_state": "active"}, follow=True)
    assert "Håll startmötet" in response.content.decode()
    yesterday = timezone.localtime() - timedelta(days=1)
    police_officer.post(
        f"{base}startmote/",
        {"when": f"{yesterday:%Y-%m-%dT%H:%M}", "place": "Skolan", "police_staff": "Inspektör Ek"},
    )
    meeting = StartMeeting.objects.get()
    assert meeting.police_staff == "Inspektör Ek"
    police_officer.post(
        f"{base}narvaro/", {"meeting": meeting.pk, "attended": [ready_area.contact.pk]}
    )
    meeting.refresh_from_db()
    assert meeting.held and list(meeting.attended.all()) == [ready_area.contact]
    response = police_officer.post(
        f"{base}lage/", {"to_state": "active", "note": "Start"}, follow=True
    )
    assert "Sparat." in response.content.decode()
    ready_area.refresh_from_db()
    assert ready_area.state == "active"
    html = police_officer.get(base).content.decode()
    assert "Redo att starta → Aktivt" in html  # the history speaks Swedish, not state codes
    assert "ready → active" not in html


def test_bad_area_form_input_is_shown_as_messages(police_officer, ready_area):
    base = f"/personal/grannsamverkan/{ready_area.slug}/"
    for url, data, text in [
        (f"{base}hushall/", {"households": "70", "reason": ""}, "Skriv varför antalet ändras."),
        (f"{base}hushall/", {"households": "-1", "reason": "x"}, "Rätt antal hushåll"),
        (f"{base}lage/", {"to_state": "kaos"}, "Ny status"),
        (f"{base}startmote/", {"when": "i morgon", "place": "X"}, "2026-12-03 18:00"),
        (f"{base}anmalningar/", {"households": "abc", "action": "role:"}, "Hushåll"),
        (f"{base}anmalningar/", {"action": "role:"}, "Kryssa i minst ett hushåll."),
        (f"{base}skyltar/", {"ordered": "igår"}, "Skyltar beställda"),
        # Year 1 would overflow in UTC; year 20026 is a slip of the keyboard.
        (f"{base}startmote/", {"when": "0001-01-01T00:30", "place": "X"}, "mellan år 2000"),
        (f"{base}skyltar/", {"ordered": "0001-01-01"}, "mellan år 2000"),
    ]:
        response = police_officer.post(url, data, follow=True)
        assert response.status_code == 200
        assert text in response.content.decode()
    ready_area.refresh_from_db()
    assert ready_area.households == 61
    assert not StartMeeting.objects.exists()


def test_forms_cannot_reach_another_areas_households_or_meetings(
    police_officer, ready_area, make_area, join
):
    other = make_area(name="Annat")
    stranger = join(other)
    meeting = StartMeeting.objects.create(area=other, when=timezone.now(), place="X")
    base = f"/personal/grannsamverkan/{ready_area.slug}/"
    assert (
        police_officer.post(
            f"{base}kontaktombud/", {"household": stranger.pk, "role": "approved"}
        ).status_code
        == 404
    )
    assert police_officer.post(f"{base}narvaro/", {"meeting": meeting.pk}).status_code == 404
    stranger.refresh_from_db()
    meeting.refresh_from_db()
    assert stranger.contact_role == "" and not meeting.held


def test_household_count_change_from_the_page(case_handler, ready_area):
    base = f"/personal/grannsamverkan/{ready_area.slug}/"
    case_handler.post(f"{base}hushall/", {"households": "80", "reason": "Ny detaljplan"})
    ready_area.refresh_from_db()
    assert ready_area.state == "gathering"
    html = case_handler.get(base).content.decode()
    assert "Ny detaljplan" in html and "61 → 80" in html


def test_signs_are_recorded(administrator, active_area):
    base = f"/personal/grannsamverkan/{active_area.slug}/"
    administrator.post(f"{base}skyltar/", {"ordered": "2026-03-01", "up": "2026-04-01"})
    active_area.refresh_from_db()
    assert str(active_area.signs_ordered) == "2026-03-01"
    assert str(active_area.signs_up) == "2026-04-01"


# Messages ------------------------------------------------------------------------------------


def test_send_a_message_to_one_area(police_officer, active_area):
    response = police_officer.post(
        "/personal/grannsamverkan/meddelanden/",
        {"area": active_area.pk, "subject": "Inbrott", "body": "Lås dörren."},
        follow=True,
    )
    assert "skickat till 1 kontaktombud" in response.content.decode()
    message = WatchMessage.objects.get()
    assert message.sender == police_officer.user
    assert message.deliveries.get().household == active_area.contact


def test_send_to_all_active_areas(police_officer, active_area):
    police_officer.post(
        "/personal/grannsamverkan/meddelanden/", {"area": "", "subject": "Alla", "body": "Hej."}
    )
    assert WatchMessage.objects.get().area is None
    assert WatchMessage.objects.get().deliveries.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"subject": "", "body": "B"},
        {"subject": "S", "body": ""},
        {"subject": "S" * 200, "body": "B"},
        {"subject": "S", "body": "B", "area": "999999"},
        {"subject": "S", "body": "B", "alert": "x"},
        {"subject": "   ", "body": "   "},
    ],
)
def test_bad_messages_are_refused(police_officer, active_area, data):
    response = police_officer.post("/personal/grannsamverkan/meddelanden/", data)
    assert response.status_code == 400
    assert not WatchMessage.objects.exists()


@pytest.mark.parametrize("subject", ["Inbrott\nBcc: alla@example.se", "Inbrott\r\nX: y"])
def test_a_subject_with_a_line_break_is_refused_in_the_form(police_officer, active_area, subject):
    """Not queued to fail at every delivery attempt: refused next to the field, in Swedish."""
    queued = OutgoingMail.objects.count()
    response = police_officer.post(
        "/personal/grannsamverkan/meddelanden/",
        {"area": active_area.pk, "subject": subject, "body": "Lås dörren."},
    )
    assert response.status_code == 400
    assert "Rubriken får bara vara en rad." in response.content.decode()
    assert not WatchMessage.objects.exists()
    assert OutgoingMail.objects.count() == queued


def test_alert_prefills_the_message(police_officer, active_area, alert):
    page = police_officer.get("/personal/grannsamverkan/meddelanden/")
    assert f"?larm={alert.pk}" in page.content.decode()  # offered for the active area
    response = police_officer.get(f"/personal/grannsamverkan/meddelanden/?larm={alert.pk}")
    form = response.context["form"]
    assert form.initial["subject"] == "Inbrott nära Centrum"
    assert "i ert område" in form.initial["body"]
    assert response.context["targets"].areas == [active_area]
    assert form.initial["alert"] == alert.pk
    police_officer.post(
        "/personal/grannsamverkan/meddelanden/",
        {
            "area": active_area.pk,
            "subject": form.initial["subject"],
            "body": form.initial["body"],
            "alert": alert.pk,
        },
    )
    assert WatchMessage.objects.get().alert == alert


@pytest.mark.parametrize("value", ["abc", "99999", "", "-1", "1 OR 1=1"])
def test_bad_alert_ids_prefill_nothing(police_officer, active_area, value):
    response = police_officer.get("/personal/grannsamverkan/meddelanden/", {"larm": value})
    assert response.status_code == 200
    assert not response.context["form"].initial


def test_sent_messages_show_delivery_status(
    police_officer, active_area, broken_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(sender=police_officer.user, subject="Nere", body="B", area=active_area)
    html = police_officer.get("/personal/grannsamverkan/meddelanden/").content.decode()
    assert "Nere" in html and "Väntar" in html


# Figures -------------------------------------------------------------------------------------


def test_figures(council_reader, active_area, make_area, join, staff_user):
    gathering = make_area(name="Samlar")
    join(gathering)
    make_area(name="Nytt")
    message_send(sender=staff_user, subject="S", body="B", area=active_area)
    message_send(sender=staff_user, subject="Alla", body="B")
    response = council_reader.get("/personal/grannsamverkan/siffror/")
    context = response.context
    states = dict(context["by_state"])
    assert states["Aktivt"] == 1 and states["Samlar hushåll"] == 1 and states["Erbjudet"] == 1
    assert states["Avslutat"] == 0
    assert context["covered"] == 61
    assert context["all_households"] == 2475
    assert context["share"] == 2.5
    assert context["contacts"] == 1
    assert context["messages_sent"] == 2
    year = timezone.localdate().year
    assert dict(context["per_year"])[year] == {"offered": 3, "started": 1, "messages": 2}
    per_area = {a.name: (a.n_confirmed, a.n_contacts, sent) for a, sent in context["areas"]}
    assert per_area == {"Lärkan": (43, 1, 2), "Samlar": (1, 0, 0), "Nytt": (0, 0, 0)}
    html = response.content.decode()
    assert "61 av 2475" in html or "61 av 2 475" in html


def test_figures_count_an_area_started_last_year(council_reader, active_area):
    WatchArea.objects.filter(pk=active_area.pk).update(
        offered=timezone.now() - timedelta(days=800), started=timezone.now() - timedelta(days=400)
    )
    per_year = dict(council_reader.get("/personal/grannsamverkan/siffror/").context["per_year"])
    assert sum(row["started"] for row in per_year.values()) == 1
    assert per_year.get(timezone.localdate().year, {"started": 0})["started"] == 0
