"""The promise is entered in the admin, with its signatories and commitments."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_a_promise(superuser, promise):
    page = superuser.get("/admin/followup/promise/").content.decode()
    assert promise.title in page
    page = superuser.get(f"/admin/followup/promise/{promise.pk}/change/").content.decode()
    assert "Grannsamverkan" in page and "Karin Öberg" in page


def test_a_period_that_ends_before_it_starts_is_a_message_in_words(superuser, municipality):
    from tryggve.followup.models import Promise

    data = {
        "municipality": municipality.pk, "police_area": "LPO Piteå Älvdal",
        "period_start": "2026-12-01", "period_end": "2026-01-01", "title": "Baklänges",
        "text": "Löftet.", "created_0": "2026-01-01", "created_1": "12:00",
        "signatories-TOTAL_FORMS": 0, "signatories-INITIAL_FORMS": 0,
        "commitments-TOTAL_FORMS": 0, "commitments-INITIAL_FORMS": 0,
    }
    answer = superuser.post("/admin/followup/promise/add/", data)
    assert answer.status_code == 200
    errors = answer.context["adminform"].form.errors
    assert errors["period_end"] == ["Perioden slutar innan den börjar."]
    assert "promise_period_ordered" not in answer.content.decode()
    assert not Promise.objects.filter(title="Baklänges").exists()
    answer = superuser.post("/admin/followup/promise/add/", {**data, "period_end": "2026-12-31"})
    assert answer.status_code == 302
