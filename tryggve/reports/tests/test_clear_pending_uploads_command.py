"""Photos of report forms never sent are removed by a scheduled command (issue 8, item 8)."""

import os
import time
import uuid
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tryggve.browser_fixtures import jpeg_bytes
from tryggve.lib.images import clean_image
from tryggve.reports.pending import pending_add, pending_names


def _age(key: uuid.UUID, hours: float) -> None:
    folder = Path(settings.MEDIA_ROOT) / "pending" / str(key)
    then = time.time() - hours * 3600
    for path in [*folder.iterdir(), folder]:
        os.utime(path, (then, then))


def test_abandoned_photos_go_after_a_day_and_fresh_ones_stay():
    photo = clean_image(jpeg_bytes(), "lampa.jpg")
    abandoned, in_progress = uuid.uuid4(), uuid.uuid4()
    pending_add(abandoned, photo)
    pending_add(in_progress, photo)
    _age(abandoned, 25)
    _age(in_progress, 2)
    out = StringIO()
    call_command("clear_pending_uploads", stdout=out)
    assert pending_names(abandoned) == []
    assert not (Path(settings.MEDIA_ROOT) / "pending" / str(abandoned)).exists()
    assert len(pending_names(in_progress)) == 1
    assert "removed: 1" in out.getvalue()


def test_nothing_pending_is_fine():
    out = StringIO()
    call_command("clear_pending_uploads", "--hours", "1", stdout=out)
    assert "removed: 0" in out.getvalue()
