"""The OpenAPI 3 description of /open311/v2/, written by hand and kept true by the
schemathesis test (tests/test_schemathesis.py), which calls every operation thousands of
times and checks each answer against this document."""

from __future__ import annotations

from django.utils import timezone

from tryggve.areas.selectors import home_municipality
from tryggve.open311.documents import site_root
from tryggve.reports.services import reference_prefix_of

NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "description": "W3C-DTF with offset, Europe/Stockholm"}

SCHEMAS = {
    "Errors": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["specification", "url", "changeset", "type", "formats"],
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"enum": ["production", "test"]},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Services": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_code", "service_name", "metadata", "type"],
            "properties": {
                "service_code": {"type": "string"},
                "service_name": {"type": "string"},
                "description": {"type": "string"},
                "metadata": {"type": "boolean"},
                "type": {"enum": ["realtime", "batch", "blackbox"]},
                "keywords": {"type": "string"},
                "group": {"type": "string"},
            },
        },
    },
    "ServiceDefinition": {
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
                        "datatype_description": {"type": "string"},
                        "order": {"type": "integer"},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "name"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "name": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "ServiceRequests": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "status", "service_code", "requested_datetime"],
            "properties": {
                "service_request_id": {"type": "string"},
                "status": {"enum": ["open", "closed"]},
                "status_notes": NULLABLE_STRING,
                "service_name": NULLABLE_STRING,
                "service_code": {"type": "string"},
                "description": NULLABLE_STRING,
                "agency_responsible": NULLABLE_STRING,
                "service_notice": NULLABLE_STRING,
                "requested_datetime": TIME,
                "updated_datetime": TIME,
                "expected_datetime": TIME,
                "address": NULLABLE_STRING,
                "address_id": NULLABLE_STRING,
                "zipcode": NULLABLE_STRING,
                "lat": {"type": ["number", "null"]},
                "long": {"type": ["number", "null"]},
                "media_url": NULLABLE_STRING,
                "extended_attributes": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string"},
                        "category": {"type": "string"},
                        "published": {"type": "boolean"},
                        "notes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["datetime", "status", "description"],
                                "properties": {
                                    "datetime": {"type": "string"},
                                    "status": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Filed": {
        "type": "array",
        "minItems": 1,
        "maxItems": 1,
        "items": {
            "type": "object",
            "required": ["service_request_id", "service_notice"],
            "properties": {
                "service_request_id": {"type": "string"},
                "token": {"type": "string"},
                "service_notice": {"type": "string"},
                "account_id": NULLABLE_STRING,
            },
        },
    },
    "Tokens": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "token"],
            "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
        },
    },
}

ERROR_TEXT = {
    "400": "Bad parameters (the error list names each)",
    "403": "api_key missing, unknown or revoked",
    "404": "No such municipality, service, request or token",
    "405": "Method not allowed",
    "413": "Body too large",
    "415": "Body neither form-urlencoded nor multipart",
    "429": "Too many requests; see Retry-After",
}


def _param(
    name: str,
    description: str,
    schema: dict | None = None,
    where: str = "query",
    required: bool = False,
) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _jurisdiction_param() -> dict:
    """jurisdiction_id, with the code and domain of the municipality served as examples:
    the description at Arjeplog's address names Arjeplog, never the default municipality."""
    home = home_municipality()
    if home is None:
        example = "its code"
    elif home.domain:
        example = f"code ({home.code}) or domain ({home.domain})"
    else:
        example = f"code ({home.code})"
    return _param(
        "jurisdiction_id",
        f"The municipality's {example}; needed only at an address that serves more than one "
        "municipality",
    )


def _reference_example() -> str:
    """A reference in the series of the municipality served (nothing real)."""
    return f"{reference_prefix_of(home_municipality())}-{timezone.localdate().year}-00042"


def _list_params(jurisdiction: dict) -> list[dict]:
    return [jurisdiction, *LIST_PARAMS]


LIST_PARAMS = [
    _param("service_request_id", "Comma-separated ids; overrides every other filter"),
    _param("service_code", "Comma-separated service codes"),
    _param("status", "open, closed or open,closed"),
    _param("start_date", "W3C-DTF; default 90 days before end_date"),
    _param("end_date", "W3C-DTF; default now; at most 90 days after start_date"),
    _param("updated_after", "W3C-DTF"),
    _param("updated_before", "W3C-DTF"),
    _param("page", "From 1", {"type": "integer", "minimum": 1, "maximum": 10000}),
    _param("page_size", "At most 1000", {"type": "integer", "minimum": 1, "maximum": 1000}),
    _param("lat", "With long: only requests near this point", {"type": "number"}),
    _param("long", "With lat", {"type": "number"}),
    _param("radius", "Metres around lat/long, default 500", {"type": "number"}),
    _param("extensions", "true adds extended_attributes", {"enum": ["true", "false"]}),
    _param("api_key", "Optional: also the requests this key filed, before publication"),
]
POST_FIELDS = {
    "api_key": {"type": "string"},
    "jurisdiction_id": {"type": "string"},
    "service_code": {"type": "string"},
    "lat": {"type": "number"},
    "long": {"type": "number"},
    "address_string": {"type": "string", "maxLength": 300},
    "attribute[time_of_day]": {"enum": ["day", "evening", "night", "always"]},
    "attribute[severity]": {"enum": ["1", "2", "3", "4"]},
    "attribute[place_description]": {"type": "string", "maxLength": 300},
    "description": {"type": "string", "maxLength": 4000},
    "email": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "phone": {"type": "string"},
    "device_id": {"type": "string"},
    "account_id": {"type": "string"},
    "media_url": {"type": "string"},
}


def _responses(fmt: str, schema: str, errors: tuple[str, ...], ok: str = "200") -> dict:
    if fmt == "json":

        def content(name: str) -> dict:
            return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
    else:

        def content(name: str) -> dict:
            return {"text/xml": {"schema": {"type": "string"}}}

    responses = {ok: {"description": "OK", "content": content(schema)}}
    for code in errors:
        responses[code] = {"description": ERROR_TEXT[code], "content": content("Errors")}
    return responses


def _operations(fmt: str, jurisdiction: dict, reference: str) -> dict:
    read_errors = ("400", "404", "405")
    paths = {
        f"/open311/v2/discovery.{fmt}": {
            "get": {
                "operationId": f"discovery_{fmt}",
                "summary": "Discovery",
                "responses": _responses(fmt, "Discovery", ("405",)),
            }
        },
        f"/open311/v2/services.{fmt}": {
            "get": {
                "operationId": f"services_{fmt}",
                "summary": "One service per active report category",
                "parameters": [jurisdiction],
                "responses": _responses(fmt, "Services", read_errors),
            }
        },
        f"/open311/v2/services/{{service_code}}.{fmt}": {
            "get": {
                "operationId": f"service_definition_{fmt}",
                "summary": "The attributes a request of this service takes",
                "parameters": [
                    _param("service_code", "The category's code", where="path", required=True),
                    jurisdiction,
                ],
                "responses": _responses(fmt, "ServiceDefinition", read_errors),
            }
        },
        f"/open311/v2/requests.{fmt}": {
            "get": {
                "operationId": f"requests_{fmt}",
                "summary": "Published requests (the last 90 days by default, at most 1000)",
                "parameters": _list_params(jurisdiction),
                "responses": _responses(fmt, "ServiceRequests", ("400", "403", "404", "405")),
            },
            "post": {
                "operationId": f"create_request_{fmt}",
                "summary": "File a report (as the e-service's web form does)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": POST_FIELDS,
                                "required": ["api_key", "service_code", "description"],
                            },
                        },
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    **POST_FIELDS,
                                    "media": {"type": "string", "format": "binary"},
                                },
                                "required": ["api_key", "service_code", "description"],
                            },
                        },
                    },
                },
                "responses": _responses(
                    fmt, "Filed", ("400", "403", "404", "405", "413", "415", "429"), ok="201"
                ),
            },
        },
        f"/open311/v2/requests/{{service_request_id}}.{fmt}": {
            "get": {
                "operationId": f"request_{fmt}",
                "summary": "One request (a list of one)",
                "parameters": [
                    _param("service_request_id", reference, where="path", required=True),
                    jurisdiction,
                    _param(
                        "extensions", "true adds extended_attributes", {"enum": ["true", "false"]}
                    ),
                    _param("api_key", "Optional: also a request this key filed"),
                ],
                "responses": _responses(fmt, "ServiceRequests", ("400", "403", "404", "405")),
            }
        },
        f"/open311/v2/tokens/{{token}}.{fmt}": {
            "get": {
                "operationId": f"token_{fmt}",
                "summary": "The request id for a token from the POST's answer",
                "parameters": [
                    _param("token", "From the POST's answer", where="path", required=True),
                    jurisdiction,
                ],
                "responses": _responses(fmt, "Tokens", read_errors),
            }
        },
    }
    return paths


def openapi_document(request=None) -> dict:
    jurisdiction, reference = _jurisdiction_param(), _reference_example()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tryggve Open311 GeoReport v2",
            "version": "2",
            "description": "Open311 GeoReport v2 for the e-service for unsafe places. "
            "Every resource as .json and .xml; errors as the spec's error list.",
        },
        "servers": [{"url": site_root(request)}],
        "paths": {
            **_operations("json", jurisdiction, reference),
            **_operations("xml", jurisdiction, reference),
        },
        "components": {"schemas": SCHEMAS},
    }
