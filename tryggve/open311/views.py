"""Open311 GeoReport v2 under /open311/v2/ (DRF function views), and the human page.

Every resource answers as `.json` and `.xml`; every error is the spec's list in the same
format (`errors.py`), also for unknown addresses and wrong methods.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.defaults import bad_request as django_bad_request
from rest_framework.decorators import api_view
from rest_framework.response import Response

from tryggve.areas.models import Municipality
from tryggve.areas.selectors import home_municipality
from tryggve.lib.guard import post_allowance
from tryggve.lib.images import MAX_BYTES, ImageRejected, clean_image
from tryggve.lib.tokens import hash_token
from tryggve.open311 import documents
from tryggve.open311.errors import Open311Error, error_response
from tryggve.open311.forms import RequestForm
from tryggve.open311.middleware import is_api_path
from tryggve.open311.models import ApiKey, Submission
from tryggve.open311.openapi import openapi_document
from tryggve.open311.params import flag, request_query
from tryggve.open311.rendering import Document
from tryggve.open311.selectors import (
    filter_reports,
    jurisdictions,
    municipality_named,
    reports_of_site,
    visible_reports,
)
from tryggve.open311.services import (
    api_key_find,
    api_key_take_allowance,
    open311_report_file,
    submission_repeat,
)
from tryggve.reports.models import Category
from tryggve.reports.selectors import categories_here
from tryggve.reports.services import report_routed_elsewhere

BUCKET = "open311"


def _param(request, name: str) -> str:
    """A parameter from the query string or, on a POST, the body."""
    value = request.query_params.get(name)
    if value is None and request.method == "POST":
        value = request.data.get(name)
    return value or ""


def _jurisdiction(request) -> Municipality | None:
    """The municipality named by jurisdiction_id; required only where several may be named
    (`jurisdictions`: the deployment's main address while it serves several)."""
    name = _param(request, "jurisdiction_id").strip()
    if not name:
        if len(jurisdictions()) > 1:
            raise Open311Error(400, _("jurisdiction_id krävs."))
        return None
    municipality = municipality_named(name)
    if municipality is None:
        raise Open311Error(404, _("Det finns ingen sådan jurisdiction_id."))
    return municipality


def _services(municipality: Municipality | None):
    """The active categories of the jurisdiction named, else of the municipality served."""
    if municipality is None:
        return categories_here().filter(active=True)
    return Category.objects.filter(active=True).for_municipality(municipality)


def _find_key(request, municipality: Municipality | None) -> ApiKey:
    api_key = api_key_find(key=_param(request, "api_key"), municipality=municipality)
    if api_key is None:
        raise Open311Error(403, _("api_key saknas, är okänd eller återkallad."))
    return api_key


def _filing_key(request, municipality: Municipality | None) -> ApiKey:
    """The key that files: required, and one of the municipality filed with (named by
    jurisdiction_id, else the one served). Another municipality's key is unknown here: its
    administrators could neither see nor revoke a key that files in this municipality."""
    return _find_key(request, municipality or home_municipality())


def _reading_key(request) -> ApiKey | None:
    """The key of a read, if any: any municipality's, as it only adds the reports that key
    filed itself (`visible_reports`), wherever their position routed them."""
    return _find_key(request, None) if _param(request, "api_key") else None


@api_view(["GET"])
def discovery(request, format):
    return Response(documents.discovery(request))


@api_view(["GET"])
def services(request, format):
    services_here = _services(_jurisdiction(request))
    return Response(documents.services(list(services_here)))


@api_view(["GET"])
def service_definition(request, service_code, format):
    category = _services(_jurisdiction(request)).filter(slug=service_code).first()
    if category is None:
        raise Open311Error(404, _("Det finns ingen sådan service_code."))
    return Response(documents.service_definition(category))


def _list_requests(request):
    municipality = _jurisdiction(request)
    query = request_query(request.query_params)
    extensions = flag(request.query_params, "extensions")
    reports = visible_reports(
        api_key=_reading_key(request),
        municipality=municipality,
        extensions=extensions,
    )
    found = filter_reports(reports, query)
    return Response(documents.service_requests(found, request, extensions=extensions))


def _file_request(request):
    request.data  # noqa: B018  (an unreadable body is a 400/415 before anything else)
    wait = post_allowance(BUCKET, request)
    if wait:
        raise Open311Error(429, _("För många anrop härifrån. Försök igen senare."), wait)
    municipality = _jurisdiction(request)
    services_here = _services(municipality)
    api_key = _filing_key(request, municipality)
    form = RequestForm.from_post(request.data)
    form.fields["service_code"].queryset = services_here
    photos = _photos(request)
    if not form.is_valid():
        return _errors(form.error_descriptions())
    data = form.cleaned_data
    # A retry after a lost answer files nothing, so it takes nothing of the key's limit.
    repeat = submission_repeat(
        api_key=api_key, device_id=data["device_id"], description=data["description"]
    )
    wait = 0 if repeat is not None else api_key_take_allowance(api_key=api_key)
    if wait:
        raise Open311Error(429, _("Nyckelns gräns för rapporter per timme är nådd."), wait)
    filed = open311_report_file(
        api_key=api_key,
        category=data["service_code"],
        time_of_day=data["time_of_day"],
        severity=data["severity"],
        description=data["description"],
        lat=data["lat"],
        lon=data["long"],
        place_description=data["place_words"],
        contact_name=f"{data['first_name']} {data['last_name']}".strip(),
        contact_email=data["email"],
        contact_phone=data["phone"],
        photos=photos,
        media_url=data["media_url"],
        device_id=data["device_id"],
    )
    routed_to = report_routed_elsewhere(filed.report, filed_with=municipality)
    notice = documents.filed_notice(filed.report, request, routed_to=routed_to)
    return Response(documents.filed(filed.report, filed.token, notice), status=201)


def _photos(request) -> list:
    upload = request.FILES.get("media") if hasattr(request, "FILES") else None
    if upload is None:
        return []
    if upload.size > MAX_BYTES:
        raise Open311Error(400, _("media är större än 10 MB."))
    try:
        return [clean_image(upload.read(), "media")]
    except ImageRejected as exc:
        raise Open311Error(400, str(exc)) from None


def _errors(descriptions: list[str]) -> Response:
    return Response(
        Document("errors", [{"code": 400, "description": d} for d in descriptions]), status=400
    )


@api_view(["GET", "POST"])
def requests_view(request, format):
    if request.method == "POST":
        return _file_request(request)
    return _list_requests(request)


requests_view.public_post_guard = BUCKET


@api_view(["GET"])
def request_detail(request, service_request_id, format):
    municipality = _jurisdiction(request)
    reports = visible_reports(
        api_key=_reading_key(request),
        municipality=municipality,
        extensions=flag(request.query_params, "extensions"),
    )
    report = reports.filter(reference=service_request_id).first()
    if report is None:
        raise Open311Error(404, _("Det finns ingen sådan rapport."))
    extensions = flag(request.query_params, "extensions")
    return Response(documents.service_requests([report], request, extensions=extensions))


@api_view(["GET"])
def token_detail(request, token, format):
    """Only on the site of the report's municipality, as requests/{id}: a report routed to
    another served municipality is found at that site's address (the POST's notice)."""
    reports = reports_of_site(municipality=_jurisdiction(request))
    submission = (
        Submission.objects.select_related("report")
        .filter(token_hash=hash_token(token), report__in=reports)
        .first()
    )
    if submission is None:
        raise Open311Error(404, _("Det finns ingen sådan token."))
    return Response(
        Document(
            "service_requests",
            [{"service_request_id": submission.report.reference, "token": token}],
        )
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /open311/v2/: the error list, for every method."""
    return error_response(request.path, 404, _("Det finns ingen sådan adress i API:t."))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 400 handler (`handler400`): Django answers a Host header outside
    ALLOWED_HOSTS or a malformed request before any view. The API's clients get the error
    list there too, never an HTML page; everyone else gets Django's page."""
    if is_api_path(request.path_info):
        return error_response(request.path, 400, _("Anropet gick inte att tolka."))
    return django_bad_request(request, exception)


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request), json_dumps_params={"ensure_ascii": False})


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "open311/index.html", documents.help_examples(request))
