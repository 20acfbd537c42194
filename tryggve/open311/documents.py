"""The content of each Open311 answer, as the spec names its fields."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.areas.selectors import example_coordinates, home_municipality
from tryggve.areas.serving import serving_for
from tryggve.lib.links import absolute_url
from tryggve.open311.rendering import Document
from tryggve.open311.selectors import jurisdictions
from tryggve.reports.models import Category, Report, Severity, Status, TimeOfDay
from tryggve.reports.selectors import categories_here
from tryggve.reports.services import reference_prefix_of

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (the spec's `changeset`).
CHANGESET = "2026-11-28T00:00:00+01:00"
FORMATS = ["application/json", "text/xml"]
GROUP = "Otrygga platser"


def w3c(value: datetime | None) -> str | None:
    """W3C-DTF with the offset, in Swedish time (2026-05-04T21:30:00+02:00)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def api_base(request=None) -> str:
    """The API's base address at the site called, without a trailing slash: on the main
    address `https://…/open311/v2`, under a municipality's path prefix
    `https://…/arjeplog/open311/v2`, on its own host `https://trygg.arjeplog.se/open311/v2`
    (`reverse()` writes the prefix, `absolute_url` the host)."""
    return absolute_url("open311:discovery", request, kwargs={"format": "json"}).rsplit("/", 1)[0]


def site_root(request=None) -> str:
    """The site called, with its path prefix and without a trailing slash: the `servers`
    entry of openapi.json, whose paths begin with /open311/v2/."""
    return absolute_url("open311:index", request).removesuffix("/open311/")


def help_examples(request) -> dict:
    """What the help page's curl examples use, for the site called: its API base, a point
    inside its municipality, one of its categories and a reference in its series, and the
    jurisdiction_id to name where the address serves several municipalities (there it is
    required). Nothing in them is a real report."""
    here = jurisdictions()
    home = home_municipality()
    lat, lon = example_coordinates()
    category = categories_here().order_by("order", "pk").first()
    return {
        "base": api_base(request),
        "lat": lat,
        "lon": lon,
        "service_code": category.slug if category else "belysning",
        "reference": f"{reference_prefix_of(home)}-{timezone.localdate().year}-00042",
        # The jurisdiction_id values to choose from, and the example's, where one is needed.
        "jurisdictions": here if len(here) > 1 else [],
        "jurisdiction": home.code if len(here) > 1 and home else "",
    }


def discovery(request) -> Document:
    page = absolute_url("open311:index", request)
    return Document(
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("Kommunens e-tjänst för otrygga platser: %(url)s") % {"url": page},
            "key_service": _("Kommunens administratör ger ut API-nycklar, se %(url)s")
            % {"url": page},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": api_base(request),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": FORMATS,
                }
            ],
        },
    )


def _service(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "service_name": category.name_sv,
        "description": category.help_sv,
        "metadata": True,
        "type": "realtime",
        "keywords": category.slug,
        "group": GROUP,
    }


def services(categories: list[Category]) -> Document:
    return Document("services", [_service(c) for c in categories])


def service_definition(category: Category) -> Document:
    with translation.override("sv"):
        attributes = [
            {
                "variable": True,
                "code": "time_of_day",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": _("När känns platsen otrygg?"),
                "order": 1,
                "description": _("När känns platsen otrygg?"),
                "values": [{"key": key, "name": str(label)} for key, label in TimeOfDay.choices],
            },
            {
                "variable": True,
                "code": "severity",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": _("Hur otrygg känns platsen?"),
                "order": 2,
                "description": _("Hur otrygg känns platsen?"),
                "values": [
                    {"key": str(key), "name": str(label)} for key, label in Severity.choices
                ],
            },
            {
                "variable": True,
                "code": "place_description",
                "datatype": "string",
                "required": False,
                "datatype_description": _("Högst 300 tecken."),
                "order": 3,
                "description": _("Beskriv platsen med ord"),
                "values": [],
            },
        ]
    return Document("service_definition", {"service_code": category.slug, "attributes": attributes})


def open_or_closed(report: Report) -> str:
    return "open" if report.is_open else "closed"


def _notes(report: Report) -> list[dict]:
    notes = []
    for event in report.public_events:
        notes.append(
            {
                "datetime": w3c(event.created),
                "status": str(Status(event.to_status).label) if event.to_status else "",
                "description": event.public_display_text,
            }
        )
    return notes


def service_request(report: Report, request, *, extensions: bool) -> dict:
    """One report as the spec's request: only what the public map shows, never contact
    details, the resident's own words or unapproved photos."""
    with translation.override("sv"):
        status_label = str(Status(report.status).label)
        photos = report.public_photos if report.published else []
        item = {
            "service_request_id": report.reference,
            "status": open_or_closed(report),
            "status_notes": status_label,
            "service_name": report.category.name_sv,
            "service_code": report.category.slug,
            "description": report.public_text if report.published else "",
            "agency_responsible": report.unit.name if report.unit else "",
            "service_notice": "",
            "requested_datetime": w3c(report.created),
            "updated_datetime": w3c(report.updated),
            "expected_datetime": None,
            "address": report.area.name if report.area else "",
            "address_id": "",
            "zipcode": "",
            "lat": report.public_lat,
            "long": report.public_lon,
            "media_url": absolute_url("reports:public_photo", request, args=[photos[0].pk])
            if photos
            else "",
        }
        if extensions:
            item["extended_attributes"] = {
                "status": status_label,
                "category": report.category.name_sv,
                "published": report.published,
                "notes": _notes(report),
            }
    return item


def service_requests(reports: list[Report], request, *, extensions: bool) -> Document:
    return Document(
        "service_requests",
        [service_request(report, request, extensions=extensions) for report in reports],
    )


def filed_notice(report: Report, request, *, routed_to: Municipality | None) -> str:
    """The POST answer's `service_notice`: the reference, and for a report routed to
    another served municipality (its position lies there) that it went there and the
    base address of that municipality's own Open311, the one that answers for it
    (requests/{id}, tokens/{token}); with the jurisdiction_id to name there, where that
    address serves several municipalities."""
    if routed_to is None:
        return _("Tack! Rapporten har diarienummer %(reference)s.") % {
            "reference": report.reference
        }
    with serving_for(routed_to.code):
        base = api_base(request)
        name_it = len(jurisdictions()) > 1
    values = {
        "municipality": routed_to.name,
        "reference": report.reference,
        "url": base,
        "jurisdiction": routed_to.code,
    }
    if name_it:
        return (
            _(
                "Tack! Platsen ligger i %(municipality)s, så rapporten har skickats vidare dit "
                "och har diarienummer %(reference)s. Läs den i Open311 för %(municipality)s: "
                "%(url)s (jurisdiction_id=%(jurisdiction)s)."
            )
            % values
        )
    return (
        _(
            "Tack! Platsen ligger i %(municipality)s, så rapporten har skickats vidare dit "
            "och har diarienummer %(reference)s. Läs den i Open311 för %(municipality)s: %(url)s."
        )
        % values
    )


def filed(report: Report, token: str, notice: str) -> Document:
    return Document(
        "service_requests",
        [
            {
                "service_request_id": report.reference,
                "token": token,
                "service_notice": notice,
                "account_id": None,
            }
        ],
    )
