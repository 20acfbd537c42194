"""Random and hostile posts to /trygghetsenkat/: never a 500, never half an answer saved,
and a closed or future survey saves nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryggve.surveys.forms import AnswerForm
from tryggve.surveys.models import Answer, Response, Survey

# Text a browser can send: any character but lone surrogates (which cannot be UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
HOSTILE = st.sampled_from(
    ["", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "9" * 400, "nan", "-1", "1e400"]
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(65.4, 65.8).map(str),
    st.floats(18.8, 19.6).map(str),
    st.integers().map(str),
)


def values(codes):
    return st.one_of(st.sampled_from(codes), TEXT, HOSTILE, NUMBER)


@st.composite
def posts(draw, survey):
    data: dict[str, object] = {}
    form = AnswerForm(survey=survey)
    for name, field in form.fields.items():
        if not (draw(st.booleans()) or draw(st.booleans())):
            continue
        codes = [str(c) for c, _label in getattr(field, "choices", [])] or ["1"]
        strategy = values(codes)
        if name.endswith(("-lat", "-lon")) or name == "q-years_lived":
            strategy = st.one_of(NUMBER, HOSTILE, TEXT)
        if hasattr(field, "choices") and field.widget.allow_multiple_selected:
            data[name] = draw(st.lists(strategy, max_size=4))
        else:
            data[name] = draw(strategy)
    data["state"] = draw(st.sampled_from(["open", "open", "closed", "future"]))
    return data


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_answers_never_500_and_never_half_saved(survey, data, today):
    post = data.draw(posts(survey))
    state = post.pop("state")
    cache.clear()  # the guard's per-address limit counts afresh for each example
    with transaction.atomic():
        if state != "open":
            shift = datetime.timedelta(days=60 if state == "future" else -60)
            Survey.objects.filter(pk=survey.pk).update(
                opens_on=survey.opens_on + shift, closes_on=survey.closes_on + shift
            )
        response = Client().post("/trygghetsenkat/", post)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200 or state != "open":
            assert not Response.objects.exists()
            assert not Answer.objects.exists()
        else:
            # Saved whole: exactly the answers the form accepted, nothing more.
            form = AnswerForm(post, survey=survey)
            assert form.is_valid()
            saved = Response.objects.get()
            assert saved.answers.count() == len(form.answer_data)
            for answer in saved.answers.all():
                assert answer.lat is None or survey.municipality.contains_point(
                    answer.lat, answer.lon
                )
                assert "\x00" not in answer.text
        transaction.set_rollback(True)
