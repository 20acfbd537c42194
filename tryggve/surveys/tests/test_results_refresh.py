"""The results pages serve the last computed counts (`TallySnapshot`) while a background
task counts again after new answers: what they serve must be exactly a recount of the
answers as they were, and after the recount exactly the answers as they are."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import transaction

from tryggve.surveys import results, staff_views, stats, tasks
from tryggve.surveys.models import Survey, TallySnapshot
from tryggve.surveys.tests.test_results_counts import respond


def everything(survey):
    """What the results pages show, as comparable values."""
    return (
        results.question_tables(survey),
        results.question_tables(survey, public=True),
        [results.breakdown(survey, by) for by in results.GROUPINGS],
        results.trends(survey),
    )


def counted_now(survey):
    """The figures counted up to date, leaving the stored counts as they were."""
    with transaction.atomic():
        now = everything(survey)
        transaction.set_rollback(True)
    cache.clear()
    return now


def served(survey):
    """What a page view gets: the last counts, without counting during the request."""
    cache.clear()  # another process: nothing of this one's cache
    with results.serving() as freshness:
        return everything(survey), freshness


@pytest.fixture(autouse=True)
def _no_exact_audit(monkeypatch):
    """What is stored and served is the subject here, not the suppression: the exact audit
    (test_stats, test_disclosure) costs seconds per breakdown, and these tests count the
    breakdowns again and again. Nothing is pinned, so only the quick checks hide cells."""
    monkeypatch.setattr(stats, "disclosed", lambda *args, **kwargs: set())


@pytest.fixture
def areas(municipality):
    return list(municipality.areas.order_by("name")[:3])


def close(survey):
    Survey.objects.filter(pk=survey.pk).update(closes_on=survey.opens_on)


def test_a_page_serves_the_last_counts_and_says_when(survey, areas):
    rng = random.Random(1)
    for _ in range(12):
        respond(survey, rng, areas)
    before = everything(survey)  # counted and stored
    respond(survey, rng, areas)
    shown, freshness = served(survey)
    assert shown == before
    assert freshness.counted_at is not None
    assert freshness.outdated_surveys == {survey.pk}
    # Outside serving() the figures are counted up to date, as before.
    now = everything(survey)
    assert now != before and now[0]["respondents"] == 13
    shown, freshness = served(survey)
    assert shown == now and freshness.counted_at is None


def test_never_counted_is_counted_during_the_request(survey, areas):
    rng = random.Random(2)
    for _ in range(8):
        respond(survey, rng, areas)
    assert not TallySnapshot.objects.exists()
    shown, freshness = served(survey)
    assert freshness.counted_at is None
    assert shown == everything(survey)


@pytest.mark.parametrize("seed", range(6))
def test_served_counts_equal_a_recount_at_the_last_refresh(survey, areas, seed):
    """Random answers with recounts at random moments (as the debounced task runs them):
    a page shows exactly the counts of the last recount, and is up to date after one."""
    rng = random.Random(seed)
    results.results_refresh(survey=survey)
    expected = everything(survey)
    for _ in range(rng.randint(3, 8)):
        for _ in range(rng.randint(0, 4)):
            respond(survey, rng, areas)
        if rng.random() < 0.5:
            results.results_refresh(survey=survey)
            expected = everything(survey)
        shown, freshness = served(survey)
        assert shown == expected
        assert (freshness.counted_at is None) == (shown == counted_now(survey))
    results.results_refresh(survey=survey)
    shown, freshness = served(survey)
    assert freshness.counted_at is None and shown == everything(survey)


def test_an_answer_queues_one_recount_per_delay(
    client, survey, areas, valid_answer, monkeypatch
):
    rng = random.Random(3)
    for _ in range(6):
        respond(survey, rng, areas)
    everything(survey)
    assert client.post("/trygghetsenkat/", valid_answer).status_code == 302
    # The task runs at once in tests: the next page view is up to date.
    shown, freshness = served(survey)
    assert freshness.counted_at is None and shown[0]["respondents"] == 7
    queued = []
    backend = SimpleNamespace(supports_defer=False)
    fake = SimpleNamespace(get_backend=lambda: backend, enqueue=queued.append)
    monkeypatch.setattr(tasks, "refresh_results", fake)
    for _ in range(3):
        client.cookies.clear()
        assert client.post("/trygghetsenkat/", valid_answer).status_code == 302
    # The first answer's recount waits its delay; the later ones join it.
    assert queued == [survey.pk]
    cache.delete(f"surveys:refresh:{survey.pk}")  # the delay has passed
    client.cookies.clear()
    assert client.post("/trygghetsenkat/", valid_answer).status_code == 302
    assert queued == [survey.pk, survey.pk]


def test_paper_entry_queues_a_recount(case_handler, survey, monkeypatch):
    queued = []
    monkeypatch.setattr(
        staff_views, "results_refresh_enqueue", lambda *, survey_id: queued.append(survey_id)
    )
    url = f"/personal/enkater/{survey.pk}/papper/"
    assert case_handler.post(url, {"q-unsafe_evening": "3"}).status_code == 302
    assert queued == [survey.pk]


def test_the_task_counts_the_later_years_trends_too(survey, areas, municipality):
    rng = random.Random(4)
    for _ in range(6):
        respond(survey, rng, areas)
    later = Survey.objects.create(
        municipality=municipality,
        year=survey.year + 1,
        title="Nästa år",
        opens_on=survey.opens_on + datetime.timedelta(days=365),
        closes_on=survey.closes_on + datetime.timedelta(days=365),
    )
    assert tasks.refresh_results.enqueue(survey.pk).return_value == "counted"
    assert TallySnapshot.objects.count() >= 5
    assert tasks.refresh_results.enqueue(later.pk + 1000).return_value == "gone"


def test_public_page_says_when_it_was_counted(client, survey, areas, today):
    rng = random.Random(5)
    for _ in range(6):
        respond(survey, rng, areas)
    close(survey)
    assert b"Siffrorna r\xc3\xa4knades" not in client.get("/trygghetsenkat/resultat/").content
    respond(survey, rng, areas)
    page = client.get("/trygghetsenkat/resultat/")
    assert page.status_code == 200
    assert "Siffrorna räknades" in page.content.decode()
    # The page queued the recount (at once in tests): the next view is up to date.
    cache.delete(f"surveys:refresh:{survey.pk}")
    assert "Siffrorna räknades" not in client.get("/trygghetsenkat/resultat/").content.decode()


def test_staff_page_says_when_it_was_counted(case_handler, survey, areas):
    rng = random.Random(6)
    for _ in range(6):
        respond(survey, rng, areas)
    url = f"/personal/enkater/{survey.pk}/resultat/"
    assert "Siffrorna räknades" not in case_handler.get(url).content.decode()
    respond(survey, rng, areas)
    assert "Siffrorna räknades" in case_handler.get(url).content.decode()


def test_the_recount_waits_on_its_own_queue_not_before_mail(survey, areas, settings, monkeypatch):
    """A recount takes seconds: it goes on the "counting" queue, which the mail worker
    (queue "default") leaves alone, and the counting worker runs it."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    cache.delete(f"surveys:refresh:{survey.pk}")
    tasks.results_refresh_enqueue(survey_id=survey.pk)
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "counting"

    def work(queue: str) -> None:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload",
            "--queue-name", queue, verbosity=0,
        )

    # It waits out the delay that gathers a busy minute's answers; let that pass.
    DBTaskResult.objects.update(run_after=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    work("default")
    assert DBTaskResult.objects.get().status == "READY"
    work("counting")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
