"""The snippet for the municipality's own website: a link card, not an iframe.

Every page of Tryggve forbids framing (CSP `frame-ancestors 'none'`, `X-Frame-Options:
DENY`), the answer form included: a framed form can be overlaid by the framing page
(clickjacking), and inside another site's frame the one-answer-per-browser cookie is a
third-party cookie that browsers block, so the form would not work reliably anyway. The card
is plain HTML (no script, no style attribute) so it passes the municipality's own CSP and
takes its site's look; the answer form opens on Tryggve, where the guard and the CSP apply.
See docs/security.md.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext as _

from tryggve.lib.links import absolute_url
from tryggve.surveys.models import Survey


def embed_snippet(survey: Survey, request=None) -> str:
    """The card's HTML, to copy into the municipality's web page (escaped values only)."""
    url = absolute_url("surveys:answer", request)
    return format_html(
        '<div class="trygghetsenkat">\n'
        "  <h2>{}</h2>\n"
        "  <p>{}</p>\n"
        '  <p><a href="{}">{}</a></p>\n'
        "</div>",
        survey.title,
        _(
            "Hur trygg känner du dig där du bor? Svara på kommunens trygghetsenkät. "
            "Du är anonym, och svaren hjälper kommunen och polisen att göra rätt saker."
        ),
        url,
        _("Svara på trygghetsenkäten"),
    )
