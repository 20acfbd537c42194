"""Photos a resident has attached to a form that is not sent yet.

A browser cannot refill a file input, so when the form comes back with a message (or with
nearby reports to consider) the photos already checked wait here, keyed by the form's
random submission key, instead of being lost. `clear_stale_pending` removes what was never
sent.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings

from tryggve.lib.images import CleanImage

MAX_PHOTOS = 3


def _folder(key: uuid.UUID) -> Path:
    # str(UUID) is canonical hex and dashes, so the key can never leave the folder.
    return Path(settings.MEDIA_ROOT) / "pending" / str(uuid.UUID(str(key)))


def pending_names(key: uuid.UUID) -> list[str]:
    folder = _folder(key)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.jpg"))


def pending_add(key: uuid.UUID, image: CleanImage) -> str:
    folder = _folder(key)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}.jpg"
    (folder / name).write_bytes(image.content)
    return name


def pending_remove(key: uuid.UUID, name: str) -> None:
    if name in pending_names(key):
        (_folder(key) / name).unlink(missing_ok=True)


def pending_load(key: uuid.UUID) -> list[CleanImage]:
    from PIL import Image

    images = []
    for name in pending_names(key):
        data = (_folder(key) / name).read_bytes()
        with Image.open(_folder(key) / name) as img:
            images.append(CleanImage(data, img.width, img.height))
    return images


def pending_clear(key: uuid.UUID) -> None:
    shutil.rmtree(_folder(key), ignore_errors=True)


def clear_stale_pending(max_age_hours: int = 24) -> int:
    root = Path(settings.MEDIA_ROOT) / "pending"
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
