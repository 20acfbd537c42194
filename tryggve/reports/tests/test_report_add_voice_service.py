"""report_add_voice: 'Jag håller också med', once per browser session."""

import pytest

from tryggve.reports.models import ReportEvent, Voice
from tryggve.reports.services import report_add_voice, voter_hash

pytestmark = pytest.mark.django_db


def test_one_voice_per_session(make_report, municipality):
    report = make_report()
    assert report_add_voice(report=report, session_key="session-a", time_of_day="night")
    assert not report_add_voice(report=report, session_key="session-a")
    assert report.voice_count == 1
    assert report_add_voice(report=report, session_key="session-b")
    assert report.voice_count == 2
    assert Voice.objects.filter(report=report).count() == 2
    assert Voice.objects.get(voter_hash=voter_hash("session-a")).time_of_day == "night"


def test_voice_history_is_internal(make_report, municipality):
    report = make_report()
    report_add_voice(report=report, session_key="s")
    event = ReportEvent.objects.get(report=report, kind="voice")
    assert event.audience == "internal"


def test_the_session_key_itself_is_not_stored(make_report, municipality):
    report = make_report()
    report_add_voice(report=report, session_key="hemlig-session")
    stored = Voice.objects.get()
    assert "hemlig-session" not in stored.voter_hash
    assert len(stored.voter_hash) == 64


def test_the_same_session_may_agree_with_different_reports(make_report, municipality):
    first, second = make_report(), make_report(category="vegetation")
    assert report_add_voice(report=first, session_key="s")
    assert report_add_voice(report=second, session_key="s")


def test_a_refused_second_voice_leaves_no_trace(make_report, municipality):
    report = make_report()
    report_add_voice(report=report, session_key="s")
    report_add_voice(report=report, session_key="s")
    assert ReportEvent.objects.filter(report=report, kind="voice").count() == 1
    report.refresh_from_db()
    assert report.voice_count == 1
