"""Neighbourhood watch figures for the follow-up, against numbers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tryggve.watch.figures import watch_figures
from tryggve.watch.models import ContactRole, Household, WatchArea, WatchState

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ALL_HOUSEHOLDS = 2475  # the twelve demo areas' households together


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM)


def year(y: int) -> dict:
    return {"municipality_code": "2505", "start": date(y, 1, 1), "end": date(y + 1, 1, 1)}


@pytest.fixture
def watch_history(make_area, join, other_area):
    """Areas and households with their dates set by hand.

    Lärkan (Centrum, 61 households): offered May 2024, started March 2025; households
    confirmed June 2024, February 2025 (a contact person), 23:59 on 31 December 2025 and
    00:00 on 1 January 2026. Söderbyn (40): offered June 2025, one household in July
    (volunteered, not yet approved). Norrbyn (30): offered and started 2024, ended; its
    household never counts. Tallbacka: offered 1 January 2026 at midnight. Porjus (another
    municipality): offered and started 2025. Nyvägen, drawn anew without a residential area:
    offered August 2025."""

    def area(name, residential, households, **dates):
        made = make_area(name=name, residential=residential, households=households)
        WatchArea.objects.filter(pk=made.pk).update(**dates)
        return made

    def confirmed(at, when, **fields):
        household = join(at)
        Household.objects.filter(pk=household.pk).update(confirmed=when, **fields)

    larkan = area(
        "Lärkan",
        "Centrum",
        61,
        offered=local(2024, 5, 1),
        started=local(2025, 3, 1),
        state=WatchState.ACTIVE,
    )
    confirmed(larkan, local(2024, 6, 1))
    confirmed(larkan, local(2025, 2, 10), contact_role=ContactRole.APPROVED)
    confirmed(larkan, local(2025, 12, 31, 23, 59))
    confirmed(larkan, local(2026, 1, 1, 0, 0))
    soderbyn = area("Söderbyn", "Söderbyn", 40, offered=local(2025, 6, 1))
    confirmed(soderbyn, local(2025, 7, 1), contact_role=ContactRole.VOLUNTEERED)
    norrbyn = area("Norrbyn", "Norrbyn", 30, offered=local(2024, 1, 1))
    confirmed(norrbyn, local(2024, 4, 1))
    WatchArea.objects.filter(pk=norrbyn.pk).update(
        started=local(2024, 3, 1), state=WatchState.ENDED
    )
    area("Tallbacka", "Tallbacka", 50, offered=local(2026, 1, 1, 0, 0))
    porjus = area(
        "Porjus",
        "Centrum",
        80,
        offered=local(2025, 2, 1),
        started=local(2025, 4, 1),
        state=WatchState.ACTIVE,
    )
    confirmed(porjus, local(2025, 5, 1), contact_role=ContactRole.LEAD)
    WatchArea.objects.filter(pk=porjus.pk).update(
        residential_area=other_area, municipality=other_area.municipality
    )
    nyvagen = area("Nyvägen", "Centrum", 20, offered=local(2025, 8, 1))
    WatchArea.objects.filter(pk=nyvagen.pk).update(residential_area=None)


def test_a_year_of_watch_by_hand(watch_history, django_assert_max_num_queries):
    # Nyvägen, drawn anew, is placed by the municipalities' boundaries: two queries more.
    with django_assert_max_num_queries(5):
        figures = watch_figures(**year(2025))
    # Offered by the end of 2025: Lärkan, Söderbyn, Norrbyn (ended, but it was offered),
    # Nyvägen; still gathering: Söderbyn, Nyvägen; started and running: Lärkan.
    assert (figures.offered, figures.gathering, figures.started) == (4, 2, 1)
    # Lärkan's three confirmed by 31 December 23:59 and Söderbyn's one.
    assert figures.households == 4
    assert figures.contact_persons == 1
    assert (figures.covered_households, figures.municipality_households) == (61, ALL_HOUSEHOLDS)
    assert figures.covered_share == pytest.approx(61 / ALL_HOUSEHOLDS)
    assert (figures.offered_in_period, figures.started_in_period) == (2, 1)
    assert figures.joined_in_period == 3
    per_month = dict(figures.joined_per_month)
    assert (per_month[(2025, 2)], per_month[(2025, 7)], per_month[(2025, 12)]) == (1, 1, 1)
    assert sum(per_month.values()) == 3


def test_last_year_is_recounted_from_the_dates(watch_history):
    figures = watch_figures(**year(2024))
    # Lärkan and Norrbyn offered; Lärkan not yet started, so gathering; Norrbyn has ended
    # since, and an ended area counts as ended for every period.
    assert (figures.offered, figures.gathering, figures.started) == (2, 1, 0)
    assert figures.households == 1
    assert figures.covered_share == 0


def test_the_next_year_starts_at_swedish_midnight(watch_history):
    figures = watch_figures(**year(2026))
    assert figures.offered_in_period == 1  # Tallbacka
    assert figures.joined_in_period == 1  # Lärkan's household at 00:00 on 1 January
    assert figures.households == 5


def test_another_municipality_counts_only_its_own(watch_history):
    figures = watch_figures(**{**year(2025), "municipality_code": "2510"})
    assert (figures.offered, figures.started, figures.households) == (1, 1, 1)
    assert figures.contact_persons == 1
    assert (figures.covered_households, figures.municipality_households) == (80, 400)


def test_nothing_offered_gives_zeros_and_no_division(municipality):
    figures = watch_figures(**year(2025))
    assert (figures.offered, figures.gathering, figures.started, figures.households) == (
        0,
        0,
        0,
        0,
    )
    assert figures.covered_share == 0
    unknown = watch_figures(**{**year(2025), "municipality_code": "9999"})
    assert unknown.municipality_households == 0
    assert unknown.covered_share is None


def test_an_area_drawn_anew_counts_in_the_municipality_it_lies_in(
    watch_history, arjeplog, make_area, join
):
    """A watch area drawn anew (no residential area) in Arjeplog counts for Arjeplog, by
    where it lies (issue 14), and changes nothing of Arvidsjaur's figures."""
    before = watch_figures(**year(2025))
    drawn = make_area(name="Jäckviks by", residential="Jäckvik", households=25)
    household = join(drawn)
    Household.objects.filter(pk=household.pk).update(confirmed=local(2025, 10, 1))
    WatchArea.objects.filter(pk=drawn.pk).update(
        residential_area=None, offered=local(2025, 9, 1)
    )
    assert watch_figures(**year(2025)) == before
    theirs = watch_figures(**{**year(2025), "municipality_code": "2506"})
    assert (theirs.offered, theirs.gathering, theirs.households) == (1, 1, 1)
    assert theirs.offered_in_period == 1
