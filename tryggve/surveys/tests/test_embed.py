"""The embed snippet for the municipality's website: a link card built on SITE_URL."""

from __future__ import annotations

import html

from tryggve.surveys.embed import embed_snippet


def test_the_snippet_is_a_plain_link_card_to_the_answer_page(settings, survey):
    settings.SITE_URL = "https://trygg.arvidsjaur.invalid/"
    snippet = embed_snippet(survey)
    assert '<a href="https://trygg.arvidsjaur.invalid/trygghetsenkat/">' in snippet
    assert survey.title in snippet
    # Nothing the municipality's own CSP would block, and no frame: ours forbids framing.
    for forbidden in ("<iframe", "<script", "style=", "onclick"):
        assert forbidden not in snippet


def test_a_title_with_markup_is_escaped(survey):
    survey.title = '<script>alert("x")</script> Enkät'
    snippet = embed_snippet(survey)
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet


def test_the_detail_page_shows_the_snippet_to_copy(settings, case_handler, survey):
    settings.SITE_URL = "https://trygg.arvidsjaur.invalid"
    survey.title = "Trygghet & trivsel 2026"
    survey.save()
    page = case_handler.get(f"/personal/enkater/{survey.pk}/").content.decode()
    start = page.index('<textarea id="embed-code"')
    shown = page[page.index(">", start) + 1 : page.index("</textarea>", start)]
    # The browser shows the textarea's text unescaped once: that is the snippet itself.
    assert html.unescape(shown) == embed_snippet(survey)
    assert "Trygghet &amp;amp; trivsel" in shown
    assert 'for="embed-code"' in page


def test_the_answer_page_still_cannot_be_framed(client, survey):
    response = client.get("/trygghetsenkat/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_copy_button_is_hidden_until_the_script_shows_it(case_handler, survey):
    """Without JavaScript there is no button that does nothing; the text can be selected."""
    page = case_handler.get(f"/personal/enkater/{survey.pk}/").content.decode()
    start = page.index("data-copy-embed")
    button = page[page.rindex("<button", 0, start) : page.index(">", start)]
    assert " hidden" in button
    assert "js/survey-staff.js" in page
    assert 'id="embed-status" role="status"' in page
