"""Settings from the environment and the checkout's .env (written by `make run`).

Each case runs `manage.py check` in a subprocess, because settings are read once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

from tryggve.settings import read_env_file

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "write-demo-env"


def run(tmp_path, argv: list[str], *, cwd: Path, env_file, **env) -> subprocess.CompletedProcess:
    """`argv` in a process of its own with only `env` set of the settings' variables (the
    suite's own, pytest's and the database's left out), reading `env_file` as its .env."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "TRYGGVE_DEMO", "DEBUG", "SITE_URL", "PORT", "DATABASE_URL"}
        and not k.startswith("PYTEST_")
    }
    clean.update(ENV_FILE=str(env_file), VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(  # noqa: S603 (our own manage.py and module, fixed arguments)
        [sys.executable, *argv],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check(tmp_path, env_file: Path, **env) -> subprocess.CompletedProcess:
    return run(tmp_path, [str(ROOT / "manage.py"), "check"], cwd=tmp_path, env_file=env_file, **env)


def test_parser_reads_key_value_lines(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# comment\n\nSECRET_KEY=abc=def\nexport PORT=8101\nQUOTED=\"a b\"\nEMPTY=\nnoise\n",
        encoding="utf-8",
    )
    assert read_env_file(path) == {"SECRET_KEY": "abc=def", "PORT": "8101", "QUOTED": "a b"}
    assert read_env_file(tmp_path / "missing") == {}


def test_demo_env_script_adds_only_what_is_missing(tmp_path):
    path = tmp_path / ".env"
    path.write_text("SECRET_KEY=mine\n", encoding="utf-8")
    subprocess.run([sys.executable, str(SCRIPT), str(path)], check=True)  # noqa: S603
    subprocess.run([sys.executable, str(SCRIPT), str(path)], check=True)  # noqa: S603
    values = read_env_file(path)
    assert values == {"SECRET_KEY": "mine", "TRYGGVE_DEMO": "1", "STAFF_REQUIRE_OTP": "0"}
    fresh = tmp_path / "fresh.env"
    subprocess.run([sys.executable, str(SCRIPT), str(fresh), "8101"], check=True)  # noqa: S603
    assert len(read_env_file(fresh)["SECRET_KEY"]) >= 50
    assert read_env_file(fresh)["PORT"] == "8101"
    # The port is make run's: the next run's replaces it; the secret stays.
    secret = read_env_file(fresh)["SECRET_KEY"]
    subprocess.run([sys.executable, str(SCRIPT), str(fresh), "8000"], check=True)  # noqa: S603
    assert read_env_file(fresh)["PORT"] == "8000"
    assert read_env_file(fresh)["SECRET_KEY"] == secret
    assert fresh.read_text().count("PORT=") == 1


def test_check_works_with_the_env_file_make_run_writes(tmp_path):
    env_file = tmp_path / ".env"
    subprocess.run([sys.executable, str(SCRIPT), str(env_file)], check=True)  # noqa: S603
    result = check(tmp_path, env_file)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_secret_outside_the_demo_it_refuses_clearly(tmp_path):
    result = check(tmp_path, tmp_path / "no.env", SITE_URL="https://trygg.example.se")
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in result.stderr


def test_production_without_site_url_refuses_clearly(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=a-real-secret-from-the-env-file\n", encoding="utf-8")
    result = check(tmp_path, env_file)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SITE_URL" in result.stderr
    ok = check(tmp_path, env_file, SITE_URL="https://trygg.example.se")
    assert ok.returncode == 0, ok.stderr


def test_a_setting_that_is_no_number_or_no_web_address_refuses_clearly(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=x\nSITE_URL=https://trygg.example.se\n", encoding="utf-8")
    result = check(tmp_path, env_file, POLICE_FEED_TIMEOUT="abc")
    assert result.returncode != 0
    assert "ImproperlyConfigured: POLICE_FEED_TIMEOUT must be a number, not 'abc'." in (
        result.stderr
    )
    result = check(tmp_path, env_file, EMAIL_PORT="25.5")
    assert "ImproperlyConfigured: EMAIL_PORT must be a whole number, not '25.5'." in result.stderr
    result = check(tmp_path, env_file, POLICE_FEED_URL="file:///etc/passwd")
    assert "ImproperlyConfigured: POLICE_FEED_URL must be an http(s):// address." in result.stderr


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=x\nSITE_URL=https://trygg.example.se\n", encoding="utf-8")
    assert check(tmp_path, env_file).returncode == 0
    # Set (even empty) in the real environment, the file's value is not used.
    result = check(tmp_path, env_file, SITE_URL="")
    assert "ImproperlyConfigured: Set SITE_URL" in result.stderr


def import_limit(tmp_path, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    clean |= {"ENV_FILE": os.devnull, "SECRET_KEY": "x", "SITE_URL": "https://x.invalid"} | env
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), "diffsettings", "--all"],
        cwd=tmp_path,
        env=clean | {"VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("INCIDENT_IMPORT_MAX_BYTES")]
    return line.split(" = ")[1].split()[0]  # "###" marks a value that is not the default


def test_the_upload_limit_is_smaller_on_sqlite_and_can_be_set(tmp_path):
    # SQLite holds its one write lock while an import saves (about 3 s per MB under load):
    # a 20 MB file would make every other writer (sessions, reports) fail for a minute.
    assert import_limit(tmp_path) == str(2 * 1024 * 1024)
    postgres = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/none"}
    assert import_limit(tmp_path, **postgres) == str(20 * 1024 * 1024)
    assert import_limit(tmp_path, INCIDENT_IMPORT_MAX_BYTES="1000") == "1000"


def serve(tmp_path, **env) -> subprocess.CompletedProcess:
    """Load the WSGI application as gunicorn does, with only `env` set."""
    return run(tmp_path, ["-c", "import tryggve.wsgi"], cwd=ROOT, env_file=os.devnull, **env)


def test_a_server_refuses_a_weak_secret(tmp_path):
    site = "https://trygg.example.se"
    for weak in ["...", "change-me", "x" * 60]:
        result = serve(tmp_path, SECRET_KEY=weak, SITE_URL=site)
        assert result.returncode != 0, weak
        assert "SECRET_KEY is too weak to serve with" in result.stderr
    strong = serve(tmp_path, SECRET_KEY="k3Yq-" * 12, SITE_URL=site)
    assert strong.returncode == 0, strong.stderr
    # The demo keeps its own generated key and may serve with any.
    demo = serve(tmp_path, SECRET_KEY="x", TRYGGVE_DEMO="1")
    assert demo.returncode == 0, demo.stderr
