"""Structured logs (LOG_FORMAT=json): one JSON object a line with the request's id, the
staff user's id and an access line per request; never a query string, a link's token or
any other personal data of residents."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve

from tryggve.lib.logs import JsonFormatter, RequestContextFilter, redact_path

REPO = Path(__file__).resolve().parents[3]
TOKEN = "Zq3xV9pL2mN8kR4tY7wB1cD5fG6hJ0sA"


@pytest.fixture
def json_log():
    """Records of every logger as the production handler writes them (filter + formatter),
    access lines included; a list of the parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root, access = logging.getLogger(), logging.getLogger("tryggve.access")
    old_levels = root.level, access.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    access.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    lines.text = stream.getvalue
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_levels[0])
    access.setLevel(old_levels[1])


def access_lines(lines) -> list[dict]:
    return [line for line in lines() if line["logger"] == "tryggve.access"]


# The formatter -------------------------------------------------------------------------


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("tryggve.x", logging.WARNING, __file__, 1, "Hej %s", ("då",), None)
    for name, value in extra.items():
        setattr(record, name, value)
    return record


def test_a_record_is_one_json_line_with_the_fixed_fields():
    line = JsonFormatter().format(_record(request_id="abc12345", user_id=7))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "tryggve.x"
    assert entry["message"] == "Hej då"
    assert entry["request_id"] == "abc12345"
    assert entry["user_id"] == 7
    assert entry["time"].endswith("Z") and "T" in entry["time"]


def test_a_message_with_line_breaks_stays_one_line():
    record = _record()
    record.args = ("a\nforged line",)
    assert len(JsonFormatter().format(record).splitlines()) == 1


def test_an_exception_is_kept_and_nothing_else_of_the_record():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record(request=RequestFactory().get("/karta/?q=anna@example.se"))
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]
    assert "anna" not in json.dumps(entry)
    assert set(entry) == {
        "time", "level", "logger", "message", "request_id", "user_id", "exception"
    }


# Paths ---------------------------------------------------------------------------------


def _resolved(path: str):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(request.path_info)
    return request


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/rapport/{TOKEN}/", "/rapport/…/"),
        (f"/rapport/{TOKEN}/bild/3/", "/rapport/…/bild/3/"),
        (f"/tryggare/{TOKEN}/", "/tryggare/…/"),
        (f"/enhet/{TOKEN}/besked/", "/enhet/…/besked/"),
        (f"/grannsamverkan/bekrafta/{TOKEN}/", "/grannsamverkan/bekrafta/…/"),
        (f"/grannsamverkan/mitt-hushall/{TOKEN}/lamna/", "/grannsamverkan/mitt-hushall/…/lamna/"),
        (f"/open311/v2/tokens/{TOKEN}.json", "/open311/v2/tokens/….json"),
        # Not secrets: a public reference and a staff page stay readable.
        ("/karta/OTR-2026-00042/", "/karta/OTR-2026-00042/"),
        ("/personal/arenden/OTR-2026-00042/", "/personal/arenden/OTR-2026-00042/"),
    ],
)
def test_the_secret_part_of_a_link_is_hidden(path, logged):
    assert redact_path(_resolved(path + "?epost=anna@example.se")) == logged


def test_an_unmatched_path_has_its_long_tokens_masked():
    request = RequestFactory().get(f"/okand/{TOKEN}/")
    assert redact_path(request) == "/okand/Zq3x…/"


def test_djangos_own_message_about_a_request_is_redacted():
    request = _resolved(f"/rapport/{TOKEN}/")
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "%s: %s",
        ("Internal Server Error", request.path), None,
    )
    record.request = request
    RequestContextFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /rapport/…/"


# The middleware ------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_request_gets_an_id_returned_and_logged(client, municipality, json_log):
    response = client.get("/karta/?kategori=belysning")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    [line] = access_lines(json_log)
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == "/karta/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    assert "kategori" not in json_log.text()


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept(client, municipality, json_log):
    incoming = "7f9c2ba4-e88f-4b2e-9a1d-0c3e5b6a7d8f"
    response = client.get("/karta/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] == incoming
    assert access_lines(json_log)[0]["request_id"] == incoming


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["short", "a" * 65, "abc12345\nforged", "abc 12345 x", "anna@example.se", "<script>x</script>"],
)
def test_an_odd_incoming_request_id_is_replaced(client, municipality, incoming):
    response = client.get("/karta/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_records_made_while_answering_carry_the_request_id(json_log):
    client = Client()
    body = json.dumps({"csp-report": {"document-uri": "https://x.invalid/", "blocked-uri": "a"}})
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 204
    [csp] = [line for line in json_log() if line["logger"] == "tryggve.csp"]
    assert csp["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_staff_are_logged_by_user_id_only(case_handler, json_log):
    response = case_handler.get("/personal/")
    assert response.status_code == 200
    [line] = access_lines(json_log)
    assert line["user_id"] == case_handler.user.pk
    assert "handlaggare" not in json_log.text()


@pytest.mark.django_db
def test_a_tracking_link_is_logged_without_its_token(client, municipality, make_report, json_log):
    report = make_report(contact_email="anna.andersson@example.se")
    response = client.get(f"/rapport/{report.tracking_token}/?epost=anna.andersson@example.se")
    assert response.status_code == 200
    [line] = access_lines(json_log)
    assert line["path"] == "/rapport/…/"
    assert report.tracking_token not in json_log.text()
    assert "anna" not in json_log.text()


@pytest.mark.django_db
def test_probes_are_logged_below_info(client, json_log):
    client.get("/healthz")
    assert access_lines(json_log) == []


# The setting -----------------------------------------------------------------------------


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        # No developer .env (make run writes one): only what is given.
        env=base | {"VAR_DIR": str(REPO / "var"), "ENV_FILE": os.devnull, "TRYGGVE_DEMO": "1"}
        | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_format_json_writes_json_lines_and_text_stays_plain():
    code = "import logging; logging.getLogger('tryggve.x').warning('Hej')"
    as_json = _manage("shell", "-c", code, LOG_FORMAT="json")
    assert as_json.returncode == 0, as_json.stderr
    entry = json.loads(as_json.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Hej" and entry["level"] == "WARNING"
    plain = _manage("shell", "-c", code)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr.strip().splitlines()[-1] == "Hej"


def test_an_unknown_log_format_is_refused():
    result = _manage("check", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT is 'text' (the default) or 'json'" in result.stderr


def test_a_pdf_leaves_no_progress_lines_in_the_log(caplog):
    """WeasyPrint logs seven steps per document at INFO; cron mail got them for every PDF."""
    from weasyprint import HTML

    with caplog.at_level(logging.INFO):
        HTML(string="<p>Årssammanfattning</p>").write_pdf()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
