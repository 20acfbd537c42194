"""Themes of free-text answers: set by the lexicon when an answer is saved, corrected by
staff, and the municipality's learned terms that corrections teach.

**Where themes live.** Each free-text answer's themes are stored as `AnswerTheme` rows when
the answer is saved (`answer_themes_assign`, called by `response_submit`), so results count
them with one grouped query, however many answers there are. They are read again only when
the lexicon changes: a learned term added or removed re-reads just the uncorrected answers of
that municipality whose text contains the stem (a learned stem is always found letter for
letter, see `lib.themes`). A change to the built-in lexicon (a deploy) needs
`answer_themes_recompute` without stems, in a data migration.

**How a correction teaches** (`theme_correction_save`), deliberately cautious, since every
learned stem changes other people's answers:

- only when staff add exactly one theme that the lexicon did not find (with two added themes
  nobody can tell which word meant which; removing a theme teaches nothing);
- only content words: no stop words, no stem shorter than four letters, no stem the lexicon
  already reads (as a word, a compound part or a typo);
- only from texts with at most `LEARN_MAX` such words; a longer text says too much to tell
  which word carried the theme, so it teaches nothing;
- never a stem that staff removed before for the same theme.

Staff see every learned term (who taught it, when) on the free-text page and can remove it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from tryggve.lib.themes import OTHER, THEME_CODES, Lexicon, content_stems, normalise
from tryggve.surveys.models import (
    DISPOSED_TEXT,
    TEXT_KINDS,
    Answer,
    AnswerTheme,
    LearnedTerm,
    ThemeCorrection,
)

LEARN_MAX = 3


def lexicon_for(*, municipality_id: int) -> Lexicon:
    """The built-in lexicon with the municipality's learned terms (one query)."""
    learned = LearnedTerm.objects.filter(
        municipality_id=municipality_id, removed__isnull=True
    ).values_list("theme", "stem")
    return Lexicon(learned)


def answer_themes_assign(*, answers: list[Answer], municipality_id: int) -> None:
    """Store the lexicon's themes of freshly saved answers (those with free text)."""
    texts = [a for a in answers if a.text and a.question.kind in TEXT_KINDS]
    if not texts:
        return
    lexicon = lexicon_for(municipality_id=municipality_id)
    AnswerTheme.objects.bulk_create(
        AnswerTheme(answer=a, code=code) for a in texts for code in lexicon.classify(a.text)
    )


def _municipality_texts(municipality_id: int):
    # Disposed words are not read again: the answer keeps the themes it had.
    return (
        Answer.objects.filter(
            response__municipality_id=municipality_id, question__kind__in=TEXT_KINDS
        )
        .exclude(text="")
        .exclude(text=DISPOSED_TEXT)
    )


@transaction.atomic
def answer_themes_recompute(*, municipality_id: int, stems: list[str] | None = None) -> int:
    """Read the uncorrected free-text answers again with the current lexicon (only those
    containing one of `stems`, when given); returns how many answers changed themes."""
    lexicon = lexicon_for(municipality_id=municipality_id)
    rows = (
        _municipality_texts(municipality_id)
        .filter(theme_corrections__isnull=True)
        .values_list("pk", "text")
    )
    fresh: dict[int, tuple[str, ...]] = {}
    for pk, text in rows.iterator(chunk_size=5000):
        if stems is not None:
            plain = normalise(text)
            if not any(s in plain for s in stems):
                continue
        fresh[pk] = lexicon.classify(text)
    current: dict[int, set[str]] = defaultdict(set)
    stored = AnswerTheme.objects.filter(answer_id__in=list(fresh)).values_list("answer", "code")
    for pk, code in stored:
        current[pk].add(code)
    changed = [pk for pk, codes in fresh.items() if set(codes) != current[pk]]
    AnswerTheme.objects.filter(answer_id__in=changed).delete()
    AnswerTheme.objects.bulk_create(
        AnswerTheme(answer_id=pk, code=code) for pk in changed for code in fresh[pk]
    )
    return len(changed)


def _learnable(*, text: str, lexicon: Lexicon, municipality_id: int, theme: str) -> list[str]:
    """The stems a correction adding `theme` to `text` may teach (see the module's rules)."""
    candidates = [s for s in content_stems(text) if not lexicon.known(s)]
    if not candidates or len(candidates) > LEARN_MAX:
        return []
    refused = set(
        LearnedTerm.objects.filter(
            municipality_id=municipality_id, theme=theme, stem__in=candidates
        ).values_list("stem", flat=True)
    )
    return [s for s in candidates if s not in refused]


@transaction.atomic
def theme_correction_save(*, answer: Answer, codes: list[str], by) -> ThemeCorrection:
    """Set a free-text answer's themes as staff chose them (none chosen: "övrigt"), keep
    who and when, and teach the lexicon by the rules above. Saving the answer's current
    correction again adds nothing, so a double submit saves once."""
    answer = Answer.objects.select_for_update().select_related("response").get(pk=answer.pk)
    chosen = [code for code in THEME_CODES if code in set(codes) and code != OTHER] or [OTHER]
    last = answer.theme_corrections.first()
    if last is not None and last.codes == chosen:
        return last
    municipality_id = answer.response.municipality_id
    lexicon = lexicon_for(municipality_id=municipality_id)
    suggested = list(lexicon.classify(answer.text))
    added = [code for code in chosen if code not in suggested and code != OTHER]
    learned = []
    if len(added) == 1:
        learned = _learnable(
            text=answer.text, lexicon=lexicon, municipality_id=municipality_id, theme=added[0]
        )
    correction = ThemeCorrection.objects.create(
        answer=answer, codes=chosen, suggested=suggested, learned=learned, created_by=by
    )
    AnswerTheme.objects.filter(answer=answer).delete()
    AnswerTheme.objects.bulk_create(AnswerTheme(answer=answer, code=code) for code in chosen)
    if learned:
        LearnedTerm.objects.bulk_create(
            LearnedTerm(
                municipality_id=municipality_id,
                theme=added[0],
                stem=stem,
                correction=correction,
                created_by=by,
            )
            for stem in learned
        )
        answer_themes_recompute(municipality_id=municipality_id, stems=learned)
    return correction


@transaction.atomic
def learned_term_remove(*, term: LearnedTerm, by) -> LearnedTerm:
    """Take a learned stem out of the lexicon (the row stays, marked removed, so it is not
    learned again) and read again the answers it had matched. Removing twice is harmless."""
    term = LearnedTerm.objects.select_for_update().get(pk=term.pk)
    if term.removed is None:
        term.removed, term.removed_by = timezone.now(), by
        term.save(update_fields=["removed", "removed_by"])
        answer_themes_recompute(municipality_id=term.municipality_id, stems=[term.stem])
    return term
