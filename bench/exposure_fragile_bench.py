"""What the "Utsatt, men osäkert" check costs: the exposure ranking's empirical-Bayes rates
with and without `check_fragile` (one refit per exposed area, with one incident fewer).

    .venv/bin/python bench/exposure_fragile_bench.py [--repeat 5]

Synthetic counts on purpose: this measures time, not the ranking's quality. Households
50-800 per area, Poisson counts at 20 per 1,000 households, a tenth of the areas at four
times that (so about one in ten is exposed)."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tryggve.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("SITE_URL", "https://bench.invalid")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from tryggve.analytics.exposure import smoothed_rates  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    print("areas | exposed | fragile | plain ms | with the check ms")
    for n in (12, 50, 200):
        households = rng.integers(50, 800, n)
        counts = rng.poisson(households / 1000 * 20)
        counts[: max(1, n // 10)] *= 4
        times = {}
        for check in (False, True):
            start = time.perf_counter()
            for _ in range(args.repeat):
                result = smoothed_rates(list(counts), list(households), check_fragile=check)
            times[check] = (time.perf_counter() - start) / args.repeat * 1000
        exposed = sum(rate.exposed for rate in result.rates)
        fragile = sum(rate.fragile for rate in result.rates)
        print(f"{n} | {exposed} | {fragile} | {times[False]:.1f} | {times[True]:.1f}")


if __name__ == "__main__":
    main()
