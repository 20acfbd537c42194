"""What the area commands say when they cannot start, in one wording for all of them."""

import errno

from django.utils.translation import gettext as _


def no_municipality(code: str) -> str:
    return _(
        "Kommunen %(code)s finns inte: importera först dess gräns (import_areas --boundary)."
    ) % {"code": code}


def unreadable(path, error: OSError) -> str:
    """Why the file could not be read, in words (the system's own are English)."""
    reasons = {
        errno.ENOENT: _("filen finns inte"),
        errno.EACCES: _("behörighet saknas att läsa den"),
        errno.EISDIR: _("det är en mapp, inte en fil"),
    }
    reason = reasons.get(error.errno, error.strerror or str(error))
    return _("Kan inte läsa %(path)s: %(reason)s.") % {"path": path, "reason": reason}
