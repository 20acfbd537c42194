"""The Open311 GeoReport v2 JSON schemas, re-expressed here from the specification
(http://wiki.open311.org/GeoReport_v2) independently of `openapi.py`, so a field the API
drops or mistypes fails the tests even if the OpenAPI description drifted along with it.

Fields the spec marks as always present are required; values may be null where the spec
allows an empty element.
"""

from __future__ import annotations

import re

import jsonschema_rs

W3C_DTF = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$"
OPTIONAL_TEXT = {"type": ["string", "null"]}
OPTIONAL_TIME = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": W3C_DTF}]}

ERROR = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string", "pattern": W3C_DTF},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "changeset": {"type": "string", "pattern": W3C_DTF},
                    "type": {"enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "items": {"enum": ["application/json", "text/xml"]},
                    },
                },
            },
        },
    },
}

SERVICE_LIST = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string", "minLength": 1},
            "description": OPTIONAL_TEXT,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": OPTIONAL_TEXT,
            "group": OPTIONAL_TEXT,
        },
    },
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "variable",
                    "code",
                    "datatype",
                    "required",
                    "datatype_description",
                    "order",
                    "description",
                ],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": OPTIONAL_TEXT,
                    "order": {"type": "integer", "minimum": 1},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}

SERVICE_REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]

SERVICE_REQUESTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": SERVICE_REQUEST_FIELDS,
        "additionalProperties": False,
        "properties": {
            "service_request_id": {"type": "string", "minLength": 1},
            "status": {"enum": ["open", "closed"]},
            "status_notes": OPTIONAL_TEXT,
            "service_name": OPTIONAL_TEXT,
            "service_code": {"type": "string"},
            "description": OPTIONAL_TEXT,
            "agency_responsible": OPTIONAL_TEXT,
            "service_notice": OPTIONAL_TEXT,
            "requested_datetime": {"type": "string", "pattern": W3C_DTF},
            "updated_datetime": OPTIONAL_TIME,
            "expected_datetime": OPTIONAL_TIME,
            "address": OPTIONAL_TEXT,
            "address_id": OPTIONAL_TEXT,
            "zipcode": OPTIONAL_TEXT,
            "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
            "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
            "media_url": OPTIONAL_TEXT,
            # GeoReport v2 extensions (extensions=true).
            "extended_attributes": {"type": "object"},
        },
    },
}

POST_RESPONSE = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_notice", "account_id"],
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": OPTIONAL_TEXT,
            "account_id": OPTIONAL_TEXT,
        },
    },
}

TOKENS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
    },
}


def validate(schema: dict, data) -> None:
    """Raise (with the path of the first mismatch) unless `data` fits `schema`."""
    jsonschema_rs.validator_for(schema).validate(data)


def is_w3c(value: str) -> bool:
    return bool(re.match(W3C_DTF, value))
