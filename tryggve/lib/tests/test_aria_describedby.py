"""Every aria-describedby on the public forms names an element of the page."""

from __future__ import annotations

import pytest

from tryggve.lib.tests.aria import missing_describedby_ids


def test_the_helper_finds_a_missing_id():
    html = '<input aria-describedby="a b"><p id="a"></p>'
    assert missing_describedby_ids(html) == ["b"]


# The survey page (/trygghetsenkat/) has no described fields without a published survey, so
# it is checked where a survey is set up (surveys' own tests), not here.
@pytest.mark.parametrize("url", ["/rapportera/"])
def test_public_forms_describe_with_existing_ids(client, municipality, url):
    html = client.get(url).content.decode()
    assert "aria-describedby" in html  # the check has something to check
    assert missing_describedby_ids(html) == []
    # The same after a submit with errors, when the error ids join in.
    invalid = client.post(url, {}).content.decode()
    assert "aria-describedby" in invalid
    assert missing_describedby_ids(invalid) == []
