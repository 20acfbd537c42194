"""Migration 0002 gives the answers saved before themes existed their themes."""

from __future__ import annotations

import importlib

from django.apps import apps

from tryggve.surveys.models import AnswerTheme


def test_answers_saved_before_themes_get_them(survey, write_texts):
    dark, other = write_texts(survey, "Mörkt och igenvuxet", "Bra att ni frågar")
    AnswerTheme.objects.all().delete()  # as before the migration
    migration = importlib.import_module("tryggve.surveys.migrations.0003_free_text_themes")
    migration.classify_existing(apps, None)
    stored = set(AnswerTheme.objects.values_list("answer_id", "code"))
    assert stored == {(dark.pk, "belysning"), (dark.pk, "vegetation"), (other.pk, "ovrigt")}
