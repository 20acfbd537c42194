"""Each municipality numbers its reports under its own prefix (issue 14): its own series
per year, the deployment's prefix (settings.REPORT_REFERENCE_PREFIX) when it has none."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tryggve.conftest import CENTRUM
from tryggve.lib import tenancy
from tryggve.reports.models import ReferenceCounter
from tryggve.reports.tests.test_several_municipalities import ARJEPLOG

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def arj(arjeplog):
    arjeplog.reference_prefix = "ARJ"
    arjeplog.full_clean()
    arjeplog.save()
    return arjeplog


def test_each_municipality_numbers_under_its_own_prefix(municipality, arj, make_report):
    first = make_report(at=CENTRUM)
    with tenancy.serving(arj.code):
        second = make_report(at=ARJEPLOG)
        third = make_report(at=ARJEPLOG)
    fourth = make_report(at=CENTRUM)
    assert [r.reference for r in (first, second, third, fourth)] == [
        f"OTR-{YEAR}-00001",
        f"ARJ-{YEAR}-00001",
        f"ARJ-{YEAR}-00002",
        f"OTR-{YEAR}-00002",
    ]
    assert set(ReferenceCounter.objects.values_list("prefix", "year", "last")) == {
        ("OTR", YEAR, 2), ("ARJ", YEAR, 2),
    }


def test_a_report_routed_to_a_neighbour_takes_the_neighbours_prefix(arj, make_report):
    # Filed on Arvidsjaur's form, placed in Arjeplog: it is Arjeplog's, in Arjeplog's series.
    report = make_report(at=ARJEPLOG)
    assert report.municipality == arj
    assert report.reference == f"ARJ-{YEAR}-00001"


def test_setting_a_prefix_leaves_existing_references_alone(municipality, make_report):
    before = make_report(at=CENTRUM)
    municipality.reference_prefix = "AVJ"
    municipality.full_clean()
    municipality.save()
    before.refresh_from_db()
    assert before.reference == f"OTR-{YEAR}-00001"
    assert make_report(at=CENTRUM).reference == f"AVJ-{YEAR}-00001"


def test_the_default_municipality_without_a_prefix_uses_the_setting(
    municipality, make_report, settings
):
    settings.REPORT_REFERENCE_PREFIX = "TRY"
    assert make_report(at=CENTRUM).reference == f"TRY-{YEAR}-00001"


@pytest.mark.parametrize("prefix", ["arj", "A-J", "ÅRJ", "ABCDEFGHIJK", "1AB"])
def test_a_prefix_is_capitals_and_digits(arjeplog, prefix):
    arjeplog.reference_prefix = prefix
    with pytest.raises(ValidationError) as refused:
        arjeplog.full_clean()
    assert "reference_prefix" in refused.value.message_dict


def test_two_municipalities_cannot_share_a_prefix(municipality, arj):
    municipality.reference_prefix = "ARJ"
    with pytest.raises(ValidationError) as refused:
        municipality.full_clean()
    assert refused.value.message_dict


def test_another_municipality_cannot_take_the_default_series(arjeplog, settings):
    arjeplog.reference_prefix = settings.REPORT_REFERENCE_PREFIX
    with pytest.raises(ValidationError) as refused:
        arjeplog.full_clean()
    assert "reference_prefix" in refused.value.message_dict
