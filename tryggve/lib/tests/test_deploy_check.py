"""Production settings pass Django's deployment checklist (issue 8, item 10), while the
demo and the tests keep working over plain http."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment: only what production would set, not the test run's variables.
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        # No developer .env (make run writes one with the demo flags): only what is given.
        env=base | {"VAR_DIR": str(REPO / "var"), "ENV_FILE": os.devnull} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "trygg.example.se",
    "SITE_URL": "https://trygg.example.se",
}


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "setting,expected",
    [
        ("SECURE_SSL_REDIRECT", "True"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("SESSION_EXPIRE_AT_BROWSER_CLOSE", "True"),
        ("SESSION_COOKIE_AGE", "28800"),
    ],
)
def test_production_values(setting, expected):
    result = _manage("diffsettings", "--all", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert f"{setting} = {expected}" in result.stdout


def test_the_demo_runs_over_plain_http():
    result = _manage("diffsettings", "--all", TRYGGVE_DEMO="1")
    assert result.returncode == 0, result.stderr
    for line in (
        "SECURE_SSL_REDIRECT = False",
        "SESSION_COOKIE_SECURE = False",
        "SECURE_HSTS_SECONDS = 0",
    ):
        assert line in result.stdout


def test_the_proxy_header_is_trusted_only_when_configured():
    plain = _manage("diffsettings", "--all", **PRODUCTION)
    assert "SECURE_PROXY_SSL_HEADER = None" in plain.stdout
    proxied = _manage("diffsettings", "--all", SECURE_PROXY_SSL_HEADER="1", **PRODUCTION)
    assert "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')" in proxied.stdout
