"""The resident's answer to "Känns platsen tryggare nu?" through the mailed link
/tryggare/<token>/: it opens only on the site of the report's municipality (issue 14)."""

from __future__ import annotations

import pytest

from tryggve.conftest import ARJEPLOG
from tryggve.lib import tenancy
from tryggve.reports.models import SafetyFeedback, hash_token

pytestmark = pytest.mark.django_db

ARJEPLOG_HOST = {"HTTP_HOST": "trygg.arjeplog.se"}


def _asked(report, token: str) -> SafetyFeedback:
    return SafetyFeedback.objects.create(report=report, token_hash=hash_token(token))


@pytest.fixture
def theirs(arjeplog, make_report):
    with tenancy.serving(arjeplog.code):
        return _asked(make_report(at=ARJEPLOG), "fraga-arjeplog")


@pytest.fixture
def ours(make_report, municipality):
    return _asked(make_report(), "fraga-arvidsjaur")


def test_the_question_opens_and_takes_the_answer(citizen, ours):
    response = citizen.get("/tryggare/fraga-arvidsjaur/")
    assert response.status_code == 200
    assert ours.report.reference in response.content.decode()
    assert citizen.post("/tryggare/fraga-arvidsjaur/", {"answer": "yes"}).status_code == 200
    ours.refresh_from_db()
    assert ours.answer == "yes"


def test_a_wrong_token_is_404(citizen, ours):
    assert citizen.get("/tryggare/fel/").status_code == 404
    assert citizen.post("/tryggare/fel/", {"answer": "yes"}).status_code == 404


def test_arjeplogs_question_opens_only_on_arjeplogs_site(citizen, theirs):
    assert citizen.get("/arjeplog/tryggare/fraga-arjeplog/").status_code == 200
    assert citizen.get("/tryggare/fraga-arjeplog/", **ARJEPLOG_HOST).status_code == 200
    assert citizen.get("/tryggare/fraga-arjeplog/").status_code == 404


def test_arvidsjaurs_question_opens_only_on_arvidsjaurs_site(citizen, arjeplog, ours):
    assert citizen.get("/tryggare/fraga-arvidsjaur/").status_code == 200
    assert citizen.get("/arjeplog/tryggare/fraga-arvidsjaur/").status_code == 404
    assert citizen.get("/tryggare/fraga-arvidsjaur/", **ARJEPLOG_HOST).status_code == 404


def test_an_answer_on_another_municipalitys_site_saves_nothing(citizen, theirs):
    assert citizen.post("/tryggare/fraga-arjeplog/", {"answer": "no"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.answer, theirs.answered) == ("", None)
    response = citizen.post("/arjeplog/tryggare/fraga-arjeplog/", {"answer": "no"})
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert theirs.answer == "no"
