"""Open311's two formats: every answer is a `Document`, rendered as JSON or as XML.

The spec names the XML elements (`<services><service>…`, `<service_requests><request>…`,
`<errors><error>…`); JSON carries the same content without the wrappers. The format is the
address's suffix (`.json`, `.xml`) and nothing else: an Accept header never turns a `.xml`
address into an HTTP 406.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer

# Inside a list element, the name of each item (the spec's XML).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "keywords": "keyword",
    "notes": "note",
    "media": "url",
}


@dataclass(frozen=True)
class Document:
    """An answer: the XML root's name and its content (a list of items, or one mapping)."""

    root: str
    content: Any


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        # XML 1.0 cannot carry most control characters; the JSON keeps the text as it is.
        element.text = "".join(ch for ch in _text(value) if ch in "\t\n\r" or ord(ch) >= 0x20)


def to_xml(document: Document) -> bytes:
    root = ET.Element(document.root)
    _fill(root, document.root, document.content)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_json(document: Document) -> bytes:
    return json.dumps(document.content, ensure_ascii=False).encode()


class Open311JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return to_json(data) if isinstance(data, Document) else json.dumps(data).encode()


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, Document):
            data = Document("response", data)
        return to_xml(data)


class SuffixNegotiation(BaseContentNegotiation):
    """The suffix alone picks the format; JSON when there is none (an error before routing)."""

    def select_parser(self, request, parsers):
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        for parser in parsers:
            if parser.media_type == content_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        for renderer in renderers:
            if renderer.format == format_suffix:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
