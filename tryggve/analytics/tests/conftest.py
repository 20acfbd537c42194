"""Fixtures for the incident imports: the real police-feed sample beside the repository."""

from pathlib import Path

import pytest

# CI keeps a copy of shared/ next to the clone, as it is here next to /work/main.
REPO_ROOT = Path(__file__).resolve().parents[3]
POLICE_SAMPLE = REPO_ROOT.parent / "shared" / "data" / "polisen" / "polisen_events_sample.json"


@pytest.fixture(scope="session")
def police_sample() -> Path:
    """The feed's real answer of 2026-08-22 (500 events). Missing, it fails: never skips."""
    if not POLICE_SAMPLE.is_file():
        pytest.fail(
            f"the real police-feed sample is missing: expected {POLICE_SAMPLE} "
            "(a copy of shared/ must sit beside the repository clone)"
        )
    return POLICE_SAMPLE
