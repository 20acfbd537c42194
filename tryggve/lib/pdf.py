"""HTML to an accessible PDF, the one place the project calls WeasyPrint.

PDF/UA-1 makes WeasyPrint tag the document (headings, lists, tables, figures with their
alt text) and requires a document language and title: pass HTML with `<html lang="sv">`
and a `<title>`. Images inside must carry alt text (WeasyPrint logs an error otherwise).
"""

from __future__ import annotations


def html_to_pdf(html: str, *, css: str = "", base_url: str | None = None) -> bytes:
    """The HTML rendered as a tagged PDF/UA-1 document, styled by `css` (a stylesheet's
    text: templates carry no <style>, see `lib/tests/test_no_inline_code.py`)."""
    from PIL import ImageFile

    # Imported here: WeasyPrint loads Pango and fonts, which no other page needs. Importing
    # it sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would let truncated photos
    # through `lib.images` (the web form's and Open311's uploads) from then on: put it back.
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import CSS, HTML
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before

    stylesheets = [CSS(string=css)] if css else []
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=stylesheets, pdf_variant="pdf/ua-1"
    )
