"""The task that runs an uploaded incident file's import, and the one way to enqueue it."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from tryggve.analytics.models import IncidentImport
from tryggve.analytics.services import incident_import_run

log = logging.getLogger(__name__)

# How long an import waits before it tries again while another of its municipality runs.
WAIT_FOR_OTHER_IMPORT = timedelta(seconds=10)


def enqueue_import(import_id: int) -> None:
    run_incident_import.enqueue(import_id)


@task()
def run_incident_import(import_id: int) -> str:
    incident_import = incident_import_run(import_id=import_id)
    if incident_import is None:
        return "skipped"
    if incident_import.status == IncidentImport.Status.QUEUED:
        # Another import of its municipality runs: this one starts after it. A queue that
        # cannot wait (tests' immediate backend) leaves it queued, and its page says so.
        if run_incident_import.get_backend().supports_defer:
            later = timezone.now() + WAIT_FOR_OTHER_IMPORT
            run_incident_import.using(run_after=later).enqueue(import_id)
        else:
            log.warning("Incident import %s waits for another, and the queue cannot", import_id)
        return "waiting"
    return incident_import.status
