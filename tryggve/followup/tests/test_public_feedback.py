"""/medborgarloften/: "Du sa, vi gjorde" pairs the survey's themes with the published
promise's activities of the same theme, shows only published progress, leaves out counts
below five, and a few headline indicators."""

import datetime

import pytest
from django.urls import reverse

from tryggve.followup import feedback
from tryggve.followup.services import activity_update_create
from tryggve.surveys.figures import ThemeYear

from .conftest import make_promise

pytestmark = pytest.mark.django_db
URL = reverse("followup:public")
ADMIN = {"administrator"}


@pytest.fixture
def survey_themes(monkeypatch, today):
    """The survey's themes as `surveys.figures.theme_counts` gives them: lighting asked by
    12, police presence by 5, traffic suppressed (None: 1-4 answers), litter by none."""
    years = [
        ThemeYear(
            year=today.year,
            texts=30,
            counts={"belysning": 12, "polisnarvaro": 5, "trafik": None, "nedskrapning": 0},
            is_demo=False,
        )
    ]
    monkeypatch.setattr(feedback.survey_figures, "theme_counts", lambda **kwargs: years)


def _section(page: str) -> str:
    start = page.index('id="you-said-heading"')
    return page[start : page.index("</section>", start)]


def test_pairs_themes_with_activities_and_only_published_updates(
    client, survey_themes, make_activity
):
    lamps = make_activity(title="Byta trasiga gatlampor", theme="belysning")
    make_activity(title="Aktivitet utan tema")
    activity_update_create(
        activity=lamps,
        date=datetime.date(2026, 3, 1),
        text="Fyrtio lampor bytta.",
        actor=None,
        roles=ADMIN,
        public=True,
    )
    activity_update_create(
        activity=lamps,
        date=datetime.date(2026, 3, 5),
        text="Intern budgetfråga.",
        actor=None,
        roles=ADMIN,
    )
    section = _section(client.get(URL).content.decode())
    assert "Du sa: Belysning (12 svar)" in section
    assert "Byta trasiga gatlampor" in section
    assert "Fyrtio lampor bytta." in section
    assert "Intern budgetfråga." not in section
    assert "Aktivitet utan tema" not in section
    # Five answers is shown; a suppressed theme and a theme nobody raised are not.
    assert "Du sa: Synlig polis (5 svar)" in section
    assert "Trafik" not in section
    assert "Nedskräpning" not in section


def test_unpublished_promise_shows_nothing(client, survey_themes, municipality, today):
    promise = make_promise(municipality, today.year, published=False)
    from tryggve.followup.services import activity_create

    activity_create(
        commitment=promise.commitments.first(),
        title="Hemlig aktivitet",
        responsible_party="both",
        actor=None,
        roles=ADMIN,
        theme="belysning",
    )
    page = client.get(URL).content.decode()
    assert "Du sa, vi gjorde" not in page
    assert "Hemlig aktivitet" not in page


def test_report_categories_below_five_are_left_out(client, promise, make_report):
    for _ in range(5):
        make_report(category="belysning")
    for _ in range(4):
        make_report(category="vegetation")
    section = _section(client.get(URL).content.decode())
    assert "Belysning: 5 synpunkter" in section
    assert "Vegetation" not in section


def test_headline_indicators_are_shown(client, promise, make_report):
    for _ in range(3):
        make_report(category="belysning")
    page = client.get(URL).content.decode()
    start = page.index('id="headlines-heading"')
    headlines = page[start : page.index("</section>", start)]
    assert "Inkomna synpunkter" in headlines
    assert '<dd class="headline-value">3</dd>' in headlines
    assert "Otrygga ute sent på kvällen" in headlines
    assert "Startade grannsamverkansområden" in headlines


def test_another_municipalitys_activities_never_show(client, survey_themes, other_promise, promise):
    from tryggve.followup.services import activity_create

    activity_create(
        commitment=other_promise.commitments.first(),
        title="Luleås lampor",
        responsible_party="both",
        actor=None,
        roles=ADMIN,
        theme="belysning",
    )
    assert "Luleås lampor" not in client.get(URL).content.decode()


def test_only_done_or_ongoing_activities_are_presented_as_done(
    client, survey_themes, make_activity
):
    """A cancelled activity is never "Vi gjorde"; a planned or postponed one is listed as
    planned."""
    from tryggve.followup.models import ActivityStatus
    from tryggve.followup.services import activity_set_status

    statuses = {
        "Trygghetsvandring i Centrum": (ActivityStatus.CANCELLED, "Ingen anmälde sig."),
        "Lampor vid skolan": (ActivityStatus.DONE, ""),
        "Lampor vid badet": (ActivityStatus.ONGOING, ""),
        "Lampor vid kyrkan": (ActivityStatus.POSTPONED, "Budgeten."),
        "Lampor vid stationen": (ActivityStatus.PLANNED, ""),
    }
    for title, (status, reason) in statuses.items():
        activity = make_activity(title=title, theme="belysning")
        if status != ActivityStatus.PLANNED:
            activity_set_status(
                activity=activity, status=status, reason=reason, actor=None, roles=ADMIN
            )
    section = _section(client.get(URL).content.decode())
    done = section[section.index("Vi gjorde:") : section.index("Det här planerar vi:")]
    planned = section[section.index("Det här planerar vi:") :]
    assert "Trygghetsvandring i Centrum" not in section
    assert "Inställd" not in section
    assert "Lampor vid skolan" in done and "Lampor vid badet" in done
    assert "Lampor vid kyrkan" not in done and "Lampor vid stationen" not in done
    assert "Lampor vid kyrkan" in planned and "Lampor vid stationen" in planned


def test_a_theme_whose_only_activity_was_cancelled_says_nothing_was_done(
    client, survey_themes, make_activity
):
    from tryggve.followup.models import ActivityStatus
    from tryggve.followup.services import activity_set_status

    walk = make_activity(title="Trygghetsvandring i Centrum", theme="belysning")
    activity_set_status(
        activity=walk, status=ActivityStatus.CANCELLED, reason="Regn.", actor=None, roles=ADMIN
    )
    section = _section(client.get(URL).content.decode())
    lighting = section[section.index("Du sa: Belysning") : section.index("Du sa: Synlig polis")]
    assert "Vi gjorde:" not in lighting
    assert "Trygghetsvandring i Centrum" not in lighting
    assert "Inget av årets löften gäller just detta ännu." in lighting


def test_a_survey_headline_says_last_years_survey_with_its_interval_in_words(
    client, promise, monkeypatch, today
):
    from tryggve.surveys.figures import UnsafeShare

    series = [
        UnsafeShare(today.year - 1, None, 188, 0.245, 0.19, 0.31, False, False),
    ]
    monkeypatch.setattr(
        "tryggve.surveys.figures.unsafe_share", lambda **kwargs: series
    )
    monkeypatch.setattr("tryggve.surveys.figures.unfinished_years", lambda **kwargs: {today.year})
    page = client.get(URL).content.decode()
    start = page.index('id="headlines-heading"')
    headlines = page[start : page.index("</section>", start)]
    assert "Förra årets enkät: 24 % (troligen mellan 19 och 31 %)" in headlines
    assert "Årets enkät är inte avslutad" in headlines


def test_a_hidden_survey_share_reads_dold_not_no_figures(client, promise, monkeypatch, today):
    from tryggve.surveys.figures import UnsafeShare

    series = [UnsafeShare(today.year, None, 3, None, None, None, True, False)]
    monkeypatch.setattr("tryggve.surveys.figures.unsafe_share", lambda **kwargs: series)
    page = client.get(URL).content.decode()
    start = page.index("Otrygga ute sent på kvällen")
    assert "dold (färre än 5 svar)" in page[start : start + 400]
