"""The demo's started watch area does not fill the outbox with mail to invented households."""

from io import StringIO

import pytest
from django.core.management import call_command

from tryggve.lib.models import OutgoingMail
from tryggve.watch.models import WatchArea, WatchState

pytestmark = pytest.mark.django_db


def test_the_demo_starts_an_area_without_mailing_every_invented_household():
    call_command("load_demo", stdout=StringIO())
    started = WatchArea.objects.filter(state=WatchState.ACTIVE)
    assert started.exists()
    for area in started:
        assert area.households_set.confirmed().count() > 100
        invented = OutgoingMail.objects.filter(to__endswith=f".{area.slug}@example.se")
        assert not invented.exists()
    # The make run console shows a handful of mails, not one per household.
    assert OutgoingMail.objects.count() < 20


def test_the_removed_mails_get_no_delivery_task(settings, django_capture_on_commit_callbacks):
    """The worker that `make run` starts logged a task for each removed mail."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    queued = DBTaskResult.objects.filter(task_path__endswith="deliver_mail").count()
    assert queued == OutgoingMail.objects.count() < 20
