"""The task that counts a survey year's results again after answers arrive, and the one way
to queue it (at most once per survey and `REFRESH_DELAY_SECONDS` in each process, so a busy
hour of answers is counted a few times a minute, not once per answer).

The answer form and the paper entry queue it once the answer is saved (the views, not
`services.response_submit`: `results` reads `forms`, which reads `services`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django_tasks import task

from tryggve.lib.tasks import enqueue_once
from tryggve.surveys import results
from tryggve.surveys.models import Survey

# Answers arriving within this many seconds of each other are counted together.
REFRESH_DELAY_SECONDS = 30


def results_refresh_enqueue(*, survey_id: int) -> None:
    """Queue a recount of the survey's year, unless one is queued already; a queue that is
    down must not fail the answer (the next results page queues it again)."""
    enqueue_once(
        refresh_results,
        survey_id,
        key=f"surveys:refresh:{survey_id}",
        delay_seconds=REFRESH_DELAY_SECONDS,
    )


@contextmanager
def results_served() -> Iterator:
    """`results.serving()` for a results page, queueing a recount of every year it found
    counted before its newest answers."""
    with results.serving() as freshness:
        yield freshness
    for survey_id in sorted(freshness.outdated_surveys):
        results_refresh_enqueue(survey_id=survey_id)


# Its own queue: a recount takes seconds, and mail must not wait behind it.
@task(queue_name="counting")
def refresh_results(survey_id: int) -> str:
    survey = Survey.objects.select_related("municipality").filter(pk=survey_id).first()
    if survey is None:
        return "gone"
    results.results_refresh(survey=survey)
    return "counted"
