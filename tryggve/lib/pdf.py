"""HTML to an accessible PDF, the one place the project calls WeasyPrint.

PDF/UA-1 makes WeasyPrint tag the document (headings, lists, tables, figures with their
alt text) and requires a document language and title: pass HTML with `<html lang="sv">`
and a `<title>`. Images inside must carry alt text (WeasyPrint logs an error otherwise).

Every document is rendered from our own templates, but they hold text that residents and
staff typed. WeasyPrint may therefore fetch nothing but `data:` URLs (charts, a QR code):
an `<img src="http://…">` or a stylesheet link in such text can neither reach the network
nor read a file of the server.
"""

from __future__ import annotations


def _weasyprint():
    """WeasyPrint's classes, imported on the first PDF (the import loads Pango and fonts).

    Importing WeasyPrint sets Pillow's process-wide `ImageFile.LOAD_TRUNCATED_IMAGES`, which
    would make the photo upload check (`lib.images`) accept truncated images in this process
    from then on; the flag is put back.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return CSS, HTML, URLFetcher


def html_to_pdf(html: str, *, css: str = "") -> bytes:
    """The HTML rendered as a tagged PDF/UA-1 document, styled by `css` (a stylesheet's
    text: templates carry no <style>, see `lib/tests/test_no_inline_code.py`)."""
    CSS, HTML, URLFetcher = _weasyprint()
    fetcher = URLFetcher(allowed_protocols=["data"])
    stylesheets = [CSS(string=css, url_fetcher=fetcher)] if css else []
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=stylesheets, pdf_variant="pdf/ua-1"
    )
