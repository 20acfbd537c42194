"""The inbox sorts as its caption says: cases waiting to be received first, then newest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tryggve.reports.models import Report, Status


@pytest.mark.django_db
def test_inbox_order_matches_its_caption(case_handler, make_report, django_assert_max_num_queries):
    now = timezone.now()
    made = {}
    for name, status, days_ago in [
        ("old_received", Status.RECEIVED, 5),
        ("new_review", Status.UNDER_REVIEW, 0),
        ("new_received", Status.RECEIVED, 1),
        ("old_resolved", Status.RESOLVED, 9),
        ("mid_planned", Status.PLANNED, 3),
    ]:
        report = make_report(status=status)
        Report.objects.filter(pk=report.pk).update(created=now - timedelta(days=days_ago))
        made[report.reference] = name
    # 3 refresh the idle-timeout session, 1 asks for unit membership (the menu).
    with django_assert_max_num_queries(16):
        page = case_handler.get("/personal/arenden/").content.decode()
    assert "sedan senast inkomna överst" in page.split("<caption", 1)[1].split("</caption>")[0]
    order = [made[ref] for ref in _references_in_table(page)]
    assert order == ["new_received", "old_received", "new_review", "mid_planned", "old_resolved"]


@pytest.mark.django_db
def test_every_row_names_its_status_with_its_colour(case_handler, make_report):
    for status in Status:
        make_report(status=status)
    page = case_handler.get("/personal/arenden/").content.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = body.split("<tr ")[1:]
    assert len(rows) == len(Status)
    for row in rows:
        status = row.split('class="row-', 1)[1].split('"', 1)[0].split()[0]
        label = Status(status).label
        assert f'<span class="status status-{status}">{label}</span>' in row


def _references_in_table(page: str) -> list[str]:
    rows = page.split("<tbody>", 1)[1].split('<th scope="row"><a')[1:]
    return [chunk.split(">", 1)[1].split("<", 1)[0] for chunk in rows]
