"""What one submission asks of the database (issue 14, docs/benchmarks.md "Submissions:
where a flow's time goes"): the form's queries stay few, the nearby check reads its own
index, a reference is taken in one statement, a new visitor's session in one insert."""

import importlib
import re

import pytest
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tryggve.conftest import CENTRUM
from tryggve.lib import sessions
from tryggve.lib.geo import bbox_around
from tryggve.reports.models import OPEN_STATUSES, Category, Report
from tryggve.reports.services import reference_next
from tryggve.reports.tests.test_models import offset
from tryggve.reports.tests.test_report_new_view import form_data

pytestmark = pytest.mark.django_db

nearby_index = importlib.import_module("tryggve.reports.migrations.0014_open_nearby_index")


def statements(captured) -> list[str]:
    """The SQL asked, without the transaction's own BEGIN/COMMIT/SAVEPOINT lines."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not re.match(r"(BEGIN|COMMIT|SAVEPOINT|RELEASE)", q["sql"])
    ]


def test_the_flow_asks_few_queries(citizen, municipality, make_report):
    make_report(at=offset(CENTRUM, east_m=20), published=True)  # open, same kind, nearby
    with CaptureQueriesContext(connection) as shown:
        assert citizen.get("/rapportera/").status_code == 200
    data = form_data()
    with CaptureQueriesContext(connection) as nearby:
        response = citizen.post("/rapportera/", data)
    assert b'name="agree_with"' in response.content
    with CaptureQueriesContext(connection) as confirmed:
        response = citizen.post("/rapportera/", {**data, "confirm_new": "1"})
    assert response.status_code == 302
    # The served municipality and the categories; the categories once even when the posted
    # choice is checked and the form shown again; a reference and a session in one each.
    assert len(statements(shown)) <= 2, statements(shown)
    assert len(statements(nearby)) <= 5, statements(nearby)
    assert sum(sql.startswith('SELECT "reports_category"') for sql in statements(nearby)) == 1
    assert len(statements(confirmed)) <= 9, statements(confirmed)
    assert sum("referencecounter" in sql for sql in statements(confirmed)) == 1
    assert not any(
        "django_session" in sql and sql.startswith("SELECT") for sql in statements(confirmed)
    )


def test_a_category_not_offered_is_refused_and_the_form_still_lists_them(
    citizen, municipality, arjeplog
):
    other = Category.objects.filter(municipality=arjeplog).first()
    for value in (other.pk, "abc", "1.5", 10**12):
        response = citizen.post("/rapportera/", form_data(category=value))
        assert response.status_code == 200
        assert not Report.objects.exists()
        assert response.content.decode().count('name="category"') == (
            Category.objects.for_municipality(municipality).filter(active=True).count()
        )


def test_the_nearby_index_covers_the_open_statuses():
    listed = re.findall(r"'(\w+)'", nearby_index.NEARBY)
    assert sorted(listed) == sorted(OPEN_STATUSES)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_nearby_check_reads_its_index(municipality, make_report):
    for east in range(0, 400, 20):
        make_report(at=offset(CENTRUM, east_m=east), published=True)
    category = Category.objects.for_municipality(municipality).get(slug="belysning")
    # The query `near` asks (tryggve.reports.views._nearby_duplicates).
    nearby = Report.objects.published().open().filter(category=category)
    sql, params = nearby.in_bbox(*bbox_around(*CENTRUM, 50)).query.sql_with_params()
    with connection.cursor() as cursor:
        # Inside the test's transaction: without the indexes a table this small would be
        # read by, only a usable partial index can serve (its predicate matches the query's).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reports_report' "
            "AND (indexdef LIKE '%%(lon, lat)%%' OR indexdef LIKE '%%(category_id)%%')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("ANALYZE reports_report")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "report_open_nearby_idx" in plan, plan


def test_a_reference_is_one_statement_once_the_series_exists():
    assert reference_next(prefix="OTR", year=2030) == "OTR-2030-00001"
    with CaptureQueriesContext(connection) as captured:
        assert reference_next(prefix="OTR", year=2030) == "OTR-2030-00002"
    assert len(statements(captured)) == 1


def test_a_new_session_is_one_insert_and_survives_a_taken_key(monkeypatch):
    first = sessions.SessionStore()
    first["x"] = 1
    with CaptureQueriesContext(connection) as captured:
        first.save()
    assert [sql.split()[0] for sql in statements(captured)] == ["INSERT"]
    # The next key drawn is the one just taken: the insert fails and another is drawn.
    keys = iter([first.session_key, "k" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *a: next(keys))
    second = sessions.SessionStore()
    second["y"] = 2
    second.save()
    assert second.session_key == "k" * 32
    assert Session.objects.count() == 2
    with pytest.raises(CreateError):
        clash = sessions.SessionStore(session_key=first.session_key)
        clash.save(must_create=True)
    assert sessions.SessionStore(session_key=first.session_key).load() == {"x": 1}
