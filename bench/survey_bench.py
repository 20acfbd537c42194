"""Time the safety survey's results with 100,000 answers, and answers submitted per second.

    .venv/bin/python bench/survey_bench.py --create-db \
        --database-url postgres://postgres@127.0.0.1:5432/tryggve_bench_survey --port 18121

In its own database (migrate, load_demo, the demo's surveys replaced by the bench's):

1. Seed: this year's survey from the bank with --count (100,000) respondents, closed
   yesterday, and two earlier years for the trend: the year before with --previous
   (90,000) respondents as answer rows, two years back with --oldest (80,000) imported as
   counts per answer (as an aggregated CSV import would give). Bulk COPY on PostgreSQL,
   executemany on SQLite; skipped when the database already holds the same seed.
2. Results, in-process: `results.question_tables`, `results.breakdown` by area, age band
   and gender, `results.trends`, and the themes of the free text when
   `tryggve.lib.themes` exists (it is being written beside this bench; the step is skipped
   without it). Each --runs times (median, p95), cold (right after a restart of the
   database connection and DISCARD ALL; the OS page cache stays warm) and warm.
3. Pages: the staff results page (also with ?efter=area) and the public results page through
   Django's test client, --runs times each.
4. Submissions through HTTP: gunicorn (--workers, default 2) on 127.0.0.1:--port against
   the same database, the survey opened for the phase. Each simulated respondent has its
   own cookie jar: GET /trygghetsenkat/, read every field of the form (CSRF token,
   submission key, the guard's timestamp and honeypot), answer every question, POST, expect
   the redirect to the thanks page. The guard's per-address limit and fill-time check are
   set for the bench through the environment (PUBLIC_POST_LIMITS="survey=100000/3600",
   PUBLIC_FORM_MIN_SECONDS=0): every simulated respondent comes from 127.0.0.1 and
   answers at once. Afterwards the new responses are checked against the successes and
   deleted, and the survey is closed again, so the run can be repeated.

Writes var/bench/results/<label>.json. Every loop is bounded by a count and a deadline.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, PointSampler, bench_env, django_setup, manage  # noqa: E402
from run import Client, percentile, run_pool  # noqa: E402
from seed import create_postgres_db  # noqa: E402

HOST = "127.0.0.1"
BATCH = 20_000
SUBMIT_ENV = {
    # Every simulated respondent comes from 127.0.0.1 and answers at once.
    "PUBLIC_POST_LIMITS": "survey=100000/3600",
    "PUBLIC_FORM_MIN_SECONDS": "0",
}
COMMENTS = [
    "Det behövs bättre belysning på gångvägen till skolan, det är mörkt på kvällen.",
    "Röj slyn vid cykelvägen, buskarna skymmer sikten.",
    "Synligare polis på helgerna skulle kännas tryggt.",
    "Grannsamverkan fungerar bra här, fler borde vara med.",
    "Det har varit inbrott i förråden, jag är orolig.",
    "Ungdomar samlas vid centrum sent och det blir stökigt.",
    "Bilarna kör alldeles för fort på infarten.",
    "Nedskräpning vid badplatsen efter helgerna.",
    "Lamporna i parken är trasiga sedan i höstas.",
    "Jag känner mig trygg, inget att tillägga.",
]
PLACE_TEXTS = [
    "Mörkt och ingen belysning",
    "Buskar längs gångvägen",
    "Folk som är berusade på kvällarna",
    "Bilar som kör fort",
    "",
]


# Seeding ------------------------------------------------------------------------------


def respondent(rng: random.Random, sampler: PointSampler, share: float, areas: list[str]):
    """One respondent's answers as {column: value}, as the demo draws them, plus free text,
    map places and the questions people skip."""
    from tryggve.surveys.demo import _respondent

    answer = _respondent(rng, share, areas)
    # Optional questions are not always answered.
    for column in ("change", "watch_interest", "years_lived", bank_codes()["gender"]):
        if rng.random() < 0.06:
            answer[column] = ""
    if answer["victim"] != "nej" and rng.random() < 0.3:
        extra = rng.choice(["stold", "skadegorelse", "hot"])
        if extra != answer["victim"]:
            answer["victim"] += "|" + extra
    if answer["safer"] and rng.random() < 0.15:
        answer["safer"] += "|other"
        answer["safer_other"] = rng.choice(COMMENTS)
    if rng.random() < 0.25:
        answer["comment"] = rng.choice(COMMENTS)
    places = []
    if rng.random() < 0.3:
        for _ in range(rng.choice([1, 1, 2, 3])):
            lat, lon = sampler.sample()
            places.append((lat, lon, rng.choice(PLACE_TEXTS), rng.choice(["evening", "night"])))
    return answer, places


def bank_codes() -> dict[str, str]:
    from tryggve.surveys import bank

    return {"gender": bank.GENDER_CODE, "area": bank.AREA_CODE}


def drop_demo_surveys(municipality) -> None:
    """The bench's years replace the demo's (same municipality and years)."""
    from tryggve.surveys.models import Answer, ImportedCount, Response, Survey

    surveys = Survey.objects.filter(municipality=municipality)
    Answer.objects.filter(response__survey__in=surveys).delete()
    Response.objects.filter(survey__in=surveys).delete()
    ImportedCount.objects.filter(survey__in=surveys).delete()
    surveys.delete()


class Lookup:
    """The ids a CSV cell becomes: question, option, matrix row, area."""

    def __init__(self, survey, areas):
        self.questions = {}
        self.options = {}
        self.rows = {}
        for q in survey.questions.prefetch_related("options", "rows"):
            self.questions[q.code] = q
            for o in q.options.all():
                self.options[(q.code, o.code)] = o.pk
            for r in q.rows.all():
                self.rows[(q.code, r.code)] = r.pk
        self.areas = areas  # slug -> pk

    def answer_rows(self, answer: dict, places: list):
        """(question, option, row, number, text, area, lat, lon, place_text, time_of_day)."""
        for column, value in answer.items():
            if not value:
                continue
            code, _dot, row = column.partition(".")
            q = self.questions[code]
            if q.kind == "area":
                yield (q.pk, None, None, None, "", self.areas.get(value), None, None, "", "")
            elif q.kind == "number":
                yield (q.pk, None, None, int(value), "", None, None, None, "", "")
            elif q.kind == "text":
                yield (q.pk, None, None, None, value, None, None, None, "", "")
            elif q.kind == "matrix":
                option = self.options[(code, value)]
                yield (q.pk, option, self.rows[(code, row)], None, "", None, None, None, "", "")
            else:
                for part in value.split("|"):
                    option = self.options[(code, part)]
                    yield (q.pk, option, None, None, "", None, None, None, "", "")
        q = self.questions["unsafe_places"]
        for lat, lon, text, when in places:
            yield (q.pk, None, None, None, text, None, lat, lon, "", when)


RESPONSE_COLUMNS = [
    "survey_id",
    "municipality_id",
    "channel",
    "submitted_on",
    "has_flagged_text",
    "is_demo",
    "group_area",
    "group_age",
    "group_gender",
]
ANSWER_COLUMNS = [
    "response_id",
    "question_id",
    "option_id",
    "row_id",
    "number",
    "text",
    "area_id",
    "lat",
    "lon",
    "place_text",
    "time_of_day",
    "flagged",
]


def bulk_insert(table: str, columns: list[str], rows) -> int:
    """COPY on PostgreSQL, executemany in batches on SQLite; returns the number of rows."""
    from django.db import connection

    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
            return done
        markers = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({markers})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                done += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            done += len(batch)
    return done


def seed_answers(survey, count: int, share: float, seed: int, areas: dict) -> tuple[int, int]:
    """`count` respondents of `survey` with all their answer rows (web and paper)."""
    from django.db import transaction

    from tryggve.surveys.models import Answer, Response
    from tryggve.surveys.services import response_groups_fill

    rng = random.Random(seed)
    sampler = PointSampler(seed)
    lookup = Lookup(survey, areas)
    slugs = list(areas)
    day = survey.opens_on or survey.closes_on
    with transaction.atomic():
        responses = bulk_insert(
            Response._meta.db_table,
            RESPONSE_COLUMNS,
            (
                (
                    survey.pk,
                    survey.municipality_id,
                    "paper" if i % 7 == 0 else "web",
                    day,
                    False,
                    False,
                    "",  # the groups are filled from the answers below
                    "",
                    "",
                )
                for i in range(count)
            ),
        )
        ids = list(
            Response.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)
        )

        def rows():
            for response_id in ids:
                answer, places = respondent(rng, sampler, share, slugs)
                for row in lookup.answer_rows(answer, places):
                    yield (response_id, *row, False)

        answers = bulk_insert(Answer._meta.db_table, ANSWER_COLUMNS, rows())
        # The respondents' groups as `response_submit` would have set them.
        response_groups_fill(survey_ids=[survey.pk])
    return responses, answers


def seed_counts(survey, count: int, share: float, seed: int, areas: dict) -> int:
    """An earlier year imported as counts per answer (no single answers behind it)."""
    from tryggve.surveys.models import ImportedCount

    rng = random.Random(seed)
    sampler = PointSampler(seed)
    lookup = Lookup(survey, areas)
    slugs = list(areas)
    counts: Counter = Counter()
    for _ in range(count):
        answer, _places = respondent(rng, sampler, share, slugs)
        for column, value in answer.items():
            code, _dot, row = column.partition(".")
            if not value or code in {"area", "years_lived", "comment", "safer_other"}:
                continue
            for part in value.split("|"):
                counts[(code, row, part)] += 1
    ImportedCount.objects.bulk_create(
        ImportedCount(
            survey=survey,
            question=lookup.questions[code],
            row_id=lookup.rows.get((code, row)),
            option_id=lookup.options[(code, option)],
            count=n,
        )
        for (code, row, option), n in counts.items()
    )
    survey.imported_respondents = count
    survey.save(update_fields=["imported_respondents"])
    return len(counts)


def seed(args) -> dict:
    """The three years; nothing is done when the database already holds this seed."""
    from django.db import connection
    from django.utils import timezone

    from tryggve.areas.selectors import home_municipality
    from tryggve.surveys.models import Answer, Response, Survey
    from tryggve.surveys.services import survey_create_from_bank

    municipality = home_municipality()
    today = timezone.localdate()
    year = today.year
    current = Survey.objects.filter(municipality=municipality, year=year).first()
    # Seeded responses carry no submission key; answers posted by an earlier, interrupted
    # submission phase do, and go.
    posted = Response.objects.filter(survey=current, submission_key__isnull=False)
    Answer.objects.filter(response__in=posted).delete()
    posted.delete()
    if current is not None and Response.objects.filter(survey=current).count() == args.count:
        print(f"Seed present: {args.count} respondents in {year}", flush=True)
        return {"seeded_now": False}
    started = time.monotonic()
    drop_demo_surveys(municipality)
    areas = dict(municipality.areas.values_list("slug", "pk"))
    oldest = survey_create_from_bank(
        municipality=municipality,
        year=year - 2,
        opens_on=today.replace(year=year - 2, month=3, day=1),
        closes_on=today.replace(year=year - 2, month=4, day=30),
    )
    previous = survey_create_from_bank(
        municipality=municipality,
        year=year - 1,
        opens_on=today.replace(year=year - 1, month=3, day=1),
        closes_on=today.replace(year=year - 1, month=4, day=30),
    )
    current = survey_create_from_bank(
        municipality=municipality,
        year=year,
        title="Trygghetsenkät (benchmark)",
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=1),
    )
    counts = seed_counts(oldest, args.oldest, 0.18, args.seed, areas)
    print(f"  {year - 2}: {args.oldest} respondents as {counts} counts", flush=True)
    r1, a1 = seed_answers(previous, args.previous, 0.24, args.seed + 1, areas)
    print(
        f"  {year - 1}: {r1} responses, {a1} answer rows, {time.monotonic() - started:.0f} s",
        flush=True,
    )
    r0, a0 = seed_answers(current, args.count, 0.22, args.seed + 2, areas)
    print(
        f"  {year}: {r0} responses, {a0} answer rows, {time.monotonic() - started:.0f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Response, Answer):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        else:
            cursor.execute("ANALYZE")
    return {
        "seeded_now": True,
        "seed_seconds": round(time.monotonic() - started, 1),
        "answer_rows_current": a0,
        "answer_rows_previous": a1,
    }


# Results ------------------------------------------------------------------------------


def themes_step():
    """The free-text themes, if `tryggve.lib.themes` exists (added after this bench)."""
    if importlib.util.find_spec("tryggve.lib.themes") is None:
        return None
    from tryggve.surveys import results

    # The results module's entry point is preferred: it is what the page calls.
    for name in ("themes", "text_themes", "free_text_themes"):
        if callable(getattr(results, name, None)):
            return getattr(results, name)
    return None


def cold() -> None:
    """Nothing computed yet: the results' cache emptied and a new database session with
    nothing cached in it (the OS page cache and PostgreSQL's shared buffers stay warm)."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    connection.close()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DISCARD ALL")


def time_steps(survey, runs: int, deadline: float) -> dict:
    from tryggve.surveys import results

    steps = {
        "question_tables": lambda: results.question_tables(survey),
        "question_tables_public": lambda: results.question_tables(survey, public=True),
        "breakdown_area": lambda: results.breakdown(survey, "area"),
        "breakdown_age": lambda: results.breakdown(survey, "age"),
        "breakdown_gender": lambda: results.breakdown(survey, "gender"),
        "trends": lambda: results.trends(survey),
    }
    themes = themes_step()
    if themes is not None:
        steps["themes"] = lambda: themes(survey)
    # What one page view computes: the staff page with the breakdown by area.
    steps["staff_page_work"] = lambda: (
        results.question_tables(survey),
        results.trends(survey),
        results.breakdown(survey, "area"),
    )
    out = {"themes": "measured" if themes is not None else "skipped: tryggve.lib.themes absent"}
    for name, step in steps.items():
        figures = {}
        for mode in ("cold", "warm"):
            times = []
            for _ in range(runs):
                if time.monotonic() > deadline and times:
                    break
                if mode == "cold":
                    cold()
                else:
                    step()  # warm-up of this very step
                started = time.perf_counter()
                step()
                times.append((time.perf_counter() - started) * 1000)
                if mode == "warm":
                    break_after = runs
                    if len(times) >= break_after:
                        break
            figures[mode] = {
                "runs": len(times),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
            }
        out[name] = figures
        print(f"  {name:24} cold {figures['cold']}  warm {figures['warm']}", flush=True)
    out["served"] = time_served(survey, steps, runs)
    return out


def time_served(survey, steps: dict, runs: int) -> dict:
    """What a results page waits for since the counts are stored (`TallySnapshot`) and
    counted again by a background task after answers (`results.serving()`): each step in
    a new process state (cache emptied, new database session), first with the stored
    counts up to date, then with one answer newer than them (served as counted, recount
    queued). Also the recount itself (`results_refresh`, the task's work)."""
    import uuid

    from django.utils import timezone

    from tryggve.surveys import results
    from tryggve.surveys.models import Response

    out = {}
    times = []
    for _ in range(max(1, runs // 2)):
        cold()
        started = time.perf_counter()
        results.results_refresh(survey=survey)
        times.append((time.perf_counter() - started) * 1000)
    out["refresh_task"] = {"runs": len(times), "median_ms": round(statistics.median(times), 1)}
    print(f"  {'refresh task':24} {out['refresh_task']}", flush=True)
    for state in ("up_to_date", "one_answer_newer"):
        if state == "one_answer_newer":
            # A paper answer typed in after the count (removed by the next seed's cleanup).
            Response.objects.create(
                survey=survey,
                municipality_id=survey.municipality_id,
                channel="paper",
                submitted_on=timezone.localdate(),
                submission_key=uuid.uuid4(),
            )
        for name, step in steps.items():
            times = []
            for _ in range(runs):
                cold()
                with results.serving():
                    started = time.perf_counter()
                    step()
                    times.append((time.perf_counter() - started) * 1000)
            figures = {
                "runs": len(times),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
            }
            out[f"{state}:{name}"] = figures
            print(f"  served {state:16} {name:24} {figures}", flush=True)
    return out


def time_pages(survey, runs: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient
    from django.urls import reverse

    staff = get_user_model().objects.get(username="handlaggare")  # load_demo's case handler
    # The second factor is a login step, not part of the page's work; this process only.
    settings.STAFF_REQUIRE_OTP = False
    client = TestClient(SERVER_NAME="127.0.0.1")  # ALLOWED_HOSTS of the bench
    client.force_login(staff)
    pages = {
        "staff_results": reverse("surveys:staff_results", args=[survey.pk]),
        "staff_results_by_area": reverse("surveys:staff_results", args=[survey.pk]) + "?efter=area",
        "public_results": reverse("surveys:public_results"),
        "public_results_by_area": reverse("surveys:public_results") + "?efter=area",
    }
    out = {}
    for name, url in pages.items():
        anonymous = TestClient(SERVER_NAME="127.0.0.1")
        page_client = anonymous if name.startswith("public") else client
        times = []
        for i in range(runs + 1):
            started = time.perf_counter()
            response = page_client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            if i:  # the first is the warm-up
                times.append((time.perf_counter() - started) * 1000)
        out[name] = {
            "url": url,
            "runs": len(times),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "bytes": len(response.content),
        }
        print(f"  page {name:24} {out[name]}", flush=True)
    return out


# Submissions --------------------------------------------------------------------------

FORM_RE = re.compile(r'<form method="post" action="/trygghetsenkat/".*?</form>', re.S)
INPUT_RE = re.compile(r"<input\b[^>]*>", re.S)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
TEXTAREA_RE = re.compile(r'<textarea\b[^>]*name="([^"]+)"', re.S)


def form_fields(page: str):
    """(hidden fields, radio groups, checkbox groups, other inputs, textareas) of the form."""
    match = FORM_RE.search(page)
    if not match:
        return None
    hidden, radios, checks, other = [], {}, {}, []
    for tag in INPUT_RE.findall(match.group(0)):
        attrs = {k: html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        kind, name = attrs.get("type", "text"), attrs.get("name")
        if not name:
            continue
        if kind == "hidden":
            hidden.append((name, attrs.get("value", "")))
        elif kind == "radio":
            radios.setdefault(name, []).append(attrs["value"])
        elif kind == "checkbox":
            checks.setdefault(name, []).append(attrs["value"])
        else:
            other.append((name, kind))
    return hidden, radios, checks, other, TEXTAREA_RE.findall(match.group(0))


def fill(fields, rng: random.Random, sampler: PointSampler) -> list[tuple[str, str]]:
    """A complete answer to whatever the form asks, as a resident would give it."""
    hidden, radios, checks, other, textareas = fields
    data = list(hidden)
    for name, values in radios.items():
        data.append((name, rng.choice(values)))
    for name, values in checks.items():
        # An option that excludes the others ("Nej, inget av detta") comes alone.
        picked = [v for v in values if v not in {"nej"} and rng.random() < 0.35]
        for value in picked or ["nej" if "nej" in values else values[0]]:
            data.append((name, value))
    lat, lon = sampler.sample()
    for name, kind in other:
        if name.endswith("-1-lat"):
            data.append((name, str(lat)))
        elif name.endswith("-1-lon"):
            data.append((name, str(lon)))
        elif kind == "number" and not name.endswith(("-lat", "-lon")):
            data.append((name, str(rng.randint(0, 60))))
        elif name == "ovrigt_falt":
            data.append((name, ""))
    for name in textareas:
        # A place's words go with its position (place 1 has one); other free text at times.
        if name.endswith("-1-text") or ("-text" not in name and rng.random() < 0.3):
            data.append((name, rng.choice(COMMENTS)))
    return data


def submission_worker_factory(seed: int):
    sampler = PointSampler(seed)
    lock = threading.Lock()

    def worker(client: Client, index: int) -> dict:
        client.cookies.clear()  # a new respondent, its own cookie jar
        started = time.perf_counter()
        status, _h, page = client.request("GET", "/trygghetsenkat/")
        got = time.perf_counter()
        fields = form_fields(page.decode()) if status == 200 else None
        if fields is None:
            return {"ok": False, "why": f"GET {status}", "ms": 0}
        with lock:
            data = fill(fields, sampler.rng, sampler)
        body = urlencode(data).encode()
        t0 = time.perf_counter()
        status, headers, page = client.request(
            "POST",
            "/trygghetsenkat/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        done = time.perf_counter()
        ok = status == 302 and "/tack/" in headers.get("Location", "")
        return {
            "ok": ok,
            "why": "" if ok else f"POST {status} {page[:200]!r}",
            "ms": (done - started) * 1000,
            "get_ms": (got - started) * 1000,
            "post_ms": (done - t0) * 1000,
        }

    return worker


def start_gunicorn(args) -> subprocess.Popen:
    log = open(ROOT / "var" / "bench" / f"gunicorn-{args.label}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tryggve.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"{HOST}:{args.port}",
            "--timeout",
            "60",
        ],
        env=bench_env(args.database_url, **SUBMIT_ENV),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log.name}")
        try:
            status, _h, _b = Client(args.port).request("GET", "/trygghetsenkat/")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not answer within 30 s")


def submission_phase(args, survey) -> dict:
    from django.db import connection
    from django.utils import timezone

    from tryggve.surveys.models import Answer, Response

    closes_on = survey.closes_on
    survey.closes_on = timezone.localdate() + timedelta(days=30)
    survey.save(update_fields=["closes_on"])
    before = Response.objects.filter(survey=survey).count()
    connection.close()
    process = start_gunicorn(args)
    try:
        worker = submission_worker_factory(args.seed + 3)
        # Warm-up: each gunicorn worker loads its templates and translations.
        run_pool(list(range(10)), worker, 2, args.port, time.monotonic() + 60)
        warm = Response.objects.filter(survey=survey).count()
        started = time.monotonic()
        results = run_pool(
            list(range(args.submissions)),
            worker,
            args.submit_concurrency,
            args.port,
            started + args.max_seconds,
        )
        wall = time.monotonic() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        new = Response.objects.filter(survey=survey, submission_key__isnull=False)
        added = Response.objects.filter(survey=survey).count() - warm
        answers = Answer.objects.filter(response__in=new).count()
        Answer.objects.filter(response__in=new).delete()
        new.delete()
        survey.closes_on = closes_on
        survey.save(update_fields=["closes_on"])
    ok = [r for r in results if r["ok"]]
    summary = {
        "workers": args.workers,
        "client_threads": args.submit_concurrency,
        "attempted": len(results),
        "succeeded": len(ok),
        "new_responses_in_db": added,
        "count_matches": added == len(ok),
        "answer_rows_per_response": round(answers / max(1, added + 10), 1),
        "wall_s": round(wall, 2),
        "answers_per_second": round(len(ok) / wall, 1) if wall else None,
        "flow_p50_ms": round(percentile([r["ms"] for r in ok], 50), 1),
        "flow_p95_ms": round(percentile([r["ms"] for r in ok], 95), 1),
        "get_p50_ms": round(percentile([r["get_ms"] for r in ok], 50), 1),
        "post_p50_ms": round(percentile([r["post_ms"] for r in ok], 50), 1),
        "post_p95_ms": round(percentile([r["post_ms"] for r in ok], 95), 1),
        "failures": sorted({r["why"] for r in results if not r["ok"]})[:3],
        "responses_before": before,
    }
    print(f"  submissions: {json.dumps(summary)}", flush=True)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--label", default="survey-pg-100k")
    parser.add_argument("--create-db", action="store_true", help="CREATE DATABASE on PostgreSQL")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--previous", type=int, default=90_000)
    parser.add_argument("--oldest", type=int, default=80_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--port", type=int, default=18121)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--submit-concurrency", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=180, help="deadline per phase")
    parser.add_argument("--skip", default="", help="comma list of phases: results,pages,submit")
    parser.add_argument("--seed", type=int, default=2505)
    args = parser.parse_args()
    if not 18100 <= args.port <= 18199:
        parser.error("--port must be in 18100-18199")
    if not 0 < args.count <= 1_000_000 or args.submissions > 10_000 or args.runs > 50:
        parser.error("keep it bounded: --count up to 1,000,000, --submissions 10,000, --runs 50")
    skip = set(filter(None, args.skip.split(",")))

    url = args.database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    elif args.create_db:
        create_postgres_db(url)
    (ROOT / "var" / "bench" / "results").mkdir(parents=True, exist_ok=True)
    manage(url, "migrate", "--verbosity", "0")
    manage(url, "load_demo")
    django_setup(url)
    from django.db import connection
    from django.utils import timezone

    from tryggve.surveys.models import Answer, Survey

    result = {"label": args.label, "vendor": connection.vendor, "seed": seed(args)}
    survey = Survey.objects.select_related("municipality").get(
        municipality__code="2505", year=timezone.localdate().year
    )
    result["answer_rows_total"] = Answer.objects.count()
    print(
        f"{args.label}: {survey.responses.count()} respondents this year, "
        f"{result['answer_rows_total']} answer rows in all",
        flush=True,
    )
    if "results" not in skip:
        result["results"] = time_steps(survey, args.runs, time.monotonic() + args.max_seconds * 5)
    if "pages" not in skip:
        result["pages"] = time_pages(survey, max(3, args.runs // 2))
    if "submit" not in skip and args.submissions:
        result["submissions"] = submission_phase(args, survey)
    path = ROOT / "var" / "bench" / "results" / f"{args.label}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
