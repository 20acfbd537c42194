"""lib.pdf: HTML to a tagged PDF, without weakening the photo check of the process."""

from __future__ import annotations

import sys

import pytest
from PIL import ImageFile

from tryggve.lib.images import ImageRejected, clean_image
from tryggve.lib.pdf import html_to_pdf
from tryggve.lib.tests.imagefiles import encode, noise_image

HTML = '<html lang="sv"><head><title>Prov</title></head><body><h1>Prov</h1></body></html>'


def test_the_first_pdf_leaves_pillows_truncated_image_check_on(monkeypatch):
    """Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; after the
    first PDF of a process (an annual summary, say) a truncated upload is still refused."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    # As in a fresh process: WeasyPrint is imported by the PDF about to be made.
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    assert html_to_pdf(HTML).startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    whole = encode(noise_image((200, 200)), "JPEG", quality=95)
    with pytest.raises(ImageRejected):
        clean_image(whole[: len(whole) // 2], "halv.jpg")
