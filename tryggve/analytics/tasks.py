"""The task that runs an uploaded incident file's import, and the one way to enqueue it."""

import logging

from django_tasks import task

from tryggve.analytics.services import incident_import_run

log = logging.getLogger(__name__)


def enqueue_import(import_id: int) -> None:
    run_incident_import.enqueue(import_id)


@task()
def run_incident_import(import_id: int) -> str:
    incident_import = incident_import_run(import_id=import_id)
    return incident_import.status if incident_import else "skipped"
