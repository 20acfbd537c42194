"""A page number from the query string gives the nearest page there is, never an error."""

import pytest

from tryggve.lib.paging import page_of

ITEMS = list(range(25))  # three pages of ten


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 3 ", 3),
        ("abc", 1),
        ("2.5", 1),
        ("\x00", 1),
        ("0", 1),  # Django's get_page gives the last page here
        ("-7", 1),
        ("4", 3),
        ("99999999999999999999999", 3),
    ],
)
def test_the_nearest_page(number, shown):
    assert page_of(ITEMS, per_page=10, number=number).number == shown


def test_an_empty_list_has_its_one_empty_page():
    page = page_of([], per_page=10, number="5")
    assert (page.number, list(page), page.has_other_pages()) == (1, [], False)
