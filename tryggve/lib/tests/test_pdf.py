"""lib.pdf: HTML to a tagged PDF, without weakening the photo check of the process."""

from __future__ import annotations

import io
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from PIL import ImageFile
from pypdf import PdfReader

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


PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def page(body: str) -> str:
    head = '<!doctype html><html lang="sv"><head><title>Prov</title></head>'
    return f"{head}<body>{body}</body></html>"


class Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        Recorder.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_text_and_tags_come_through():
    pdf = html_to_pdf(page("<h1>Rubrik</h1><p>Åtgärdat i Arvidsjaur</p>"), css="h1 { color: #123 }")
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Rubrik" in text and "Åtgärdat i Arvidsjaur" in text
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog, "a tagged PDF has a structure tree"
    assert catalog["/Lang"] == "sv"


def test_typed_text_cannot_make_the_renderer_fetch_anything(tmp_path):
    """Staff and residents' words are in these documents; an image or stylesheet address in
    them must not reach the network or read a server file. Data URLs (charts) still work."""
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = html_to_pdf(
            page(
                f'<img src="{url}/img.png" alt="x"><img src="file://{secret}" alt="y">'
                f'<link rel="stylesheet" href="{url}/style.css">'
                f'<p style="background: url({url}/bg.png)">Text</p>'
                f'<img src="{PIXEL}" alt="Diagram">'
            ),
            css=f"body {{ background: url({url}/css-bg.png) }}",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert Recorder.seen == []
    assert pdf.startswith(b"%PDF")
