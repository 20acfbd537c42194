"""Shared helpers for the benchmark scripts: the demo geography and Django setup."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
MUNICIPALITY_GEOJSON = ROOT / "tryggve" / "areas" / "demo" / "arvidsjaur_kommun.geojson"

# Where residents are: (share, lat, lon, sigma_lat, sigma_lon). The town's residential
# areas span about 19.135-19.225 E and 65.584-65.600 N; the villages are much smaller.
PLACES = [
    (0.70, 65.5917, 19.1800, 0.0060, 0.0220),  # Arvidsjaur town
    (0.08, 65.2650, 19.6300, 0.0040, 0.0100),  # Glommersträsk
    (0.07, 65.8750, 19.4500, 0.0035, 0.0100),  # Moskosel
]
# The rest (0.15) anywhere inside the municipality boundary: roads, lakes, forest.


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for manage.py and gunicorn against a benchmark database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        # Production settings require the public address (links in mail).
        SITE_URL="http://127.0.0.1",
        DEBUG="0",
        # Production settings, but on plain http over loopback.
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT="/tmp/tryggve-bench/media",
    )
    env.update(extra)
    return env


def manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [str(PYTHON), str(ROOT / "manage.py"), *args],
        env=bench_env(database_url),
        cwd=ROOT,
        check=True,
        timeout=1800,
    )


def fresh_database(url: str) -> None:
    """An empty benchmark database at `url`: a SQLite file deleted (its folder made), a
    PostgreSQL database dropped and created again."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)


def django_setup(database_url: str) -> None:
    """Point this process's Django at the benchmark database (before importing models)."""
    os.environ.update(bench_env(database_url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryggve.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class PointSampler:
    """Random positions distributed like the demo's residents (see PLACES)."""

    def __init__(self, seed: int):
        import json

        from shapely import prepared
        from shapely.geometry import Point, shape

        data = json.loads(MUNICIPALITY_GEOJSON.read_text())
        self.boundary = shape(data["features"][0]["geometry"])
        self._inside = prepared.prep(self.boundary)
        self._point = Point
        self.rng = random.Random(seed)

    def contains(self, lat: float, lon: float) -> bool:
        return self._inside.contains(self._point(lon, lat))

    def anywhere(self) -> tuple[float, float]:
        minx, miny, maxx, maxy = self.boundary.bounds
        for _ in range(10_000):
            lat, lon = self.rng.uniform(miny, maxy), self.rng.uniform(minx, maxx)
            if self.contains(lat, lon):
                return lat, lon
        raise RuntimeError("no point found inside the boundary")

    def sample(self) -> tuple[float, float]:
        r = self.rng.random()
        for share, lat, lon, s_lat, s_lon in PLACES:
            if r < share:
                for _ in range(100):
                    p_lat = self.rng.gauss(lat, s_lat)
                    p_lon = self.rng.gauss(lon, s_lon)
                    if self.contains(p_lat, p_lon):
                        return round(p_lat, 6), round(p_lon, 6)
                break
            r -= share
        lat, lon = self.anywhere()
        return round(lat, 6), round(lon, 6)
