"""Where request time goes, from py-spy's collapsed stacks (`py-spy record --format raw`).

    .venv/bin/python bench/stack_shares.py var/bench/profile.txt

Counts only samples inside a Django request (`BaseHandler.get_response`) and sorts each
into one kind of work, the first that matches from the top of this list: the database
driver, the ORM, Pillow, template and widget rendering, sessions and CSRF, the guard's own
checks, other Python; and separately into a step of the report form (`reports.views.report_new`).
"""

from __future__ import annotations

import sys
from collections import Counter

KINDS = [
    ("psycopg/sqlite3: sending queries, waiting for answers", ("psycopg/", "sqlite3/")),
    ("the ORM building queries and model instances", ("django/db/",)),
    ("Pillow: checking and cleaning the photo", ("PIL/", "lib/images.py")),
    ("template and widget rendering", ("django/template/", "django/forms/renderers.py")),
    ("sessions and CSRF", ("django/contrib/sessions/", "middleware/csrf.py")),
]
GUARD = "the guard's own checks (limits, bot checks)"
STEPS = [
    ("the nearby check", ("_nearby_duplicates",)),
    ("filing the report (report_create)", ("report_create ",)),
    ("rendering the form page", ("render (django/shortcuts.py",)),
    ("checking the posted form", ("is_valid ",)),
    ("the rest of the view", ("report_new ",)),
]


def classify(frames: str, table) -> str:
    for name, marks in table:
        if any(mark in frames for mark in marks):
            return name
    return "other"


def kind_of(stack: str) -> str:
    kind = classify(stack, KINDS)
    # The guard wraps the view: only its own frames, not the view's, are its work.
    ours = [frame for frame in stack.split(";") if "tryggve/" in frame]
    if kind == "other" and ours and "lib/guard.py" in ours[-1]:
        return GUARD
    return kind


def main(path: str) -> int:
    kinds: Counter = Counter()
    steps: Counter = Counter()
    total = 0
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if "BaseHandler.get_response" not in stack:
                continue
            n = int(count)
            total += n
            kinds[kind_of(stack)] += n
            steps[classify(stack, STEPS) if "report_new " in stack else "outside the view"] += n
    print(f"{total} samples inside requests")
    for title, counter in (("kind of work", kinds), ("step", steps)):
        print(f"\n{title:<56} share")
        for name, n in counter.most_common():
            print(f"{name:<56} {100 * n / total:5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
