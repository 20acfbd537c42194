"""The situation picture's staff pages under /personal/lagesbild/ (the public summary is
`public_views.py`)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import number_format
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tryggve.accounts.access import staff_required
from tryggve.accounts.roles import may_open
from tryggve.analytics import profiles
from tryggve.analytics.alerts import alerts_by_incident
from tryggve.analytics.forms import (
    ImportMappingForm,
    ImportUploadForm,
    ObservationForm,
    PresenceForm,
    ProfileForm,
    RankingForm,
    RiskMapForm,
)
from tryggve.analytics.importers import preview_csv
from tryggve.analytics.models import (
    GROUP_IN_SENTENCE,
    FeedFetch,
    Incident,
    IncidentImport,
    IncidentSource,
    NearRepeatAlert,
    OffenceGroup,
    PolicePresence,
)
from tryggve.analytics.ranking import exposure_ranking, ranking_period
from tryggve.analytics.riskmap import (
    RISK_COLOURS,
    cells_geojson,
    risk_levels,
    risk_map_cached,
    unplaced_count,
)
from tryggve.analytics.scope import scope_for
from tryggve.analytics.selectors import (
    fetches_for,
    imports_here,
    imports_running,
    last_successful_fetch,
    presence_here,
    presence_of,
    synthetic_here,
)
from tryggve.analytics.services import (
    incident_import_undo,
    incident_import_undo_preview,
    incident_record_observation,
    presence_log,
)
from tryggve.analytics.suggestions import weekly_suggestions
from tryggve.analytics.uploads import (
    incident_import_clock_warning,
    incident_import_start,
    incident_import_trial,
    incident_import_upload,
)
from tryggve.areas.places import describe_places
from tryggve.areas.selectors import (
    home_municipality,
    home_municipality_code,
    map_context,
    statistical_layer,
    statistical_layer_geojson,
)
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.dates import READABLE_FROM, READABLE_UNTIL
from tryggve.lib.paging import page_of
from tryggve.lib.spreadsheets import safe_cell
from tryggve.reports.selectors import reports_here
from tryggve.surveys.figures import unsafe_places
from tryggve.surveys.maps import CLASS_COLOURS as SURVEY_COLOURS
from tryggve.surveys.permissions import SURVEY_EDIT

readers = staff_required("analytics.read")
operational = staff_required("analytics.operational")
municipal = staff_required("analytics.observation")
importers = staff_required("analytics.import")


def _areas_geojson(ranked, *, named: bool = False) -> dict:
    # Without a ranking (areas alike or too few events) no area has a smoothed rate: every
    # area with households gets the same colour, none a darker one by chance.
    classes = _rate_classes(
        [
            r.rate.smoothed_rate if r.rate.smoothed_rate is not None else
            (0.0 if r.rate.raw_rate is not None else None)
            for r in ranked
        ]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": r.area.geometry,
                "properties": {
                    # Over the whole police area, two municipalities may each have a Centrum.
                    "name": f"{r.area.name} ({r.area.municipality.name})" if named else r.area.name,
                    "class": cls,
                    "exposed": r.rate.exposed,
                    "label": _rate_label(r),
                },
            }
            for r, cls in zip(ranked, classes, strict=True)
        ],
    }


def _survey_places(request: HttpRequest):
    """The survey's unsafe places as a layer of their own. Those who read the survey's free
    text get the staff detail (125 m cells, residents' descriptions, the two newest years);
    other readers (police, council) the public map of the newest finished year, the same
    as the public results page (`surveys.figures.unsafe_places`). A read of the detail with
    residents' descriptions is written to the access log."""
    detail = may_open(request.roles, SURVEY_EDIT)
    places = unsafe_places(municipality_code=home_municipality_code(), public=not detail)
    if detail and places is not None and any(cell.texts for cell in places.cells):
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            purpose=AccessLog.Purpose.SURVEY,
            subject=f"lägesbild ({home_municipality_code()}): enkätens platsbeskrivningar",
        )
    return places


def _rate_classes(values) -> list[int]:
    known = sorted(v for v in values if v is not None)
    if not known or known[-1] == known[0]:
        return [1 if v is not None else 0 for v in values]
    step = (known[-1] - known[0]) / 5
    return [0 if v is None else min(5, 1 + int((v - known[0]) / step)) for v in values]


def _rate_label(ranked_area) -> str:
    """The map's tooltip: the smoothed rate, or the raw one where the areas are not ranked,
    in the language's own number format ("8,1" in Swedish)."""
    rate = ranked_area.rate
    if rate.raw_rate is None:
        return _("inga hushåll")
    if rate.smoothed_rate is None:
        value = rate.raw_rate
        text = ngettext(
            "%(rate)s per 1 000 hushåll, rå takt (%(count)s händelse)",
            "%(rate)s per 1 000 hushåll, rå takt (%(count)s händelser)",
            rate.count,
        )
    else:
        value = rate.smoothed_rate
        text = ngettext(
            "%(rate)s per 1 000 hushåll (%(count)s händelse)",
            "%(rate)s per 1 000 hushåll (%(count)s händelser)",
            rate.count,
        )
    # Rounded as the table's `floatformat:1` rounds; number_format alone would cut the
    # decimals off (6 in 320 households: 18,7 on the map, 18,8 in the table).
    return text % {"rate": floatformat(value, 1), "count": rate.count}


@readers
def overview(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    form = RankingForm(request.GET or None, codes=scope.codes)
    group, year = form.values()
    smoothing, ranked, outside = exposure_ranking(group=group, year=year, codes=scope.codes)
    # The page says what it counts: the year so far while it runs, against the same period
    # the year before (the ranking's own rule).
    period = ranking_period(year)
    # The survey's places and SCB's statistical areas belong to one municipality's map:
    # shown for the one served, not for another or the whole police area.
    own = scope.code == home_municipality_code()
    places = _survey_places(request) if own else None
    # SCB's statistical areas, if imported as a layer: beside the ranking, never in it.
    statistical = statistical_layer(municipality=home_municipality()) if own else []
    return render(
        request,
        "analytics/overview.html",
        {
            "form": form,
            "scope": scope,
            "group_label": OffenceGroup(group).label,
            "year": year,
            "period": period,
            "smoothing": smoothing,
            "ranked": ranked,
            "outside": outside,
            "synthetic": synthetic_here(),
            "layers": {
                "areas": _areas_geojson(ranked, named=scope.whole_area),
                "survey": places and places.map_layer(),
                "statistical": statistical_layer_geojson(statistical),
            },
            "statistical": statistical,
            "places": places,
            **_recent_alerts(request, scope),
            "query": request.GET.urlencode(),
            **map_context(
                tilesFailed=_("Kartbilden kunde inte laddas. Samma siffror finns i tabellen ovan.")
            ),
        },
    )


def _recent_alerts(request: HttpRequest, scope) -> dict:
    """The overview's latest near-repeat alerts, by burglary, and whether the reader may send
    them on. Single burglaries (their exact time and distance) only for the roles that may
    see single incidents; the council reads the aggregates."""
    show_alerts = may_open(request.roles, "analytics.incidents")
    alerts = list(
        NearRepeatAlert.objects.for_codes(scope.codes).select_related("incident", "area")[:10]
    ) if show_alerts else []
    return {
        "show_alerts": show_alerts,
        "alerts": alerts,
        "alert_incidents": alerts_by_incident(alerts),
        "can_send": may_open(request.roles, "watch.manage"),
    }


@readers
def ranking_export(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    group, year = RankingForm(request.GET or None, codes=scope.codes).values()
    smoothing, ranked, _outside = exposure_ranking(group=group, year=year, codes=scope.codes)
    # Another municipality's or the whole police area's file says so in its name, and the
    # whole area's names each area's municipality in a first column.
    which = f"{scope.value}-" if scope.value else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="utsatthet-{which}{slugify(OffenceGroup(group).label)}-{year}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(_ranking_header(whole_area=scope.whole_area))
    writer.writerows(
        _ranking_row(r, ranks=smoothing.ranks, whole_area=scope.whole_area) for r in ranked
    )
    return response


def _ranking_header(*, whole_area: bool) -> list[str]:
    """The ranking file's columns; over the whole police area each area's municipality first."""
    return [
        *([_("Kommun")] if whole_area else []),
        _("Område"),
        _("Hushåll"),
        _("Antal"),
        _("Antal samma period året före"),
        _("Per 1 000 hushåll"),
        _("Utjämnad takt"),
        _("90 % lägst"),
        _("90 % högst"),
        _("Sannolikhet över lokalpolisområdets takt")
        if whole_area
        else _("Sannolikhet över kommunens takt"),
        _("Utsatt"),
        _("Varav syntetiska"),
    ]


def _ranking_row(r, *, ranks: bool, whole_area: bool) -> list:
    """One area's line of the ranking file. Where the areas are not ranked
    (`Smoothing.ranks`), the model's columns stay empty, as on the page: the file keeps its
    columns for a spreadsheet made from an earlier one."""
    rate = r.rate
    return [
        # Names are typed by staff: none may run as a formula in a spreadsheet.
        *([safe_cell(r.area.municipality.name)] if whole_area else []),
        safe_cell(r.area.name),
        rate.households,
        rate.count,
        r.previous,
        _fmt(rate.raw_rate),
        _fmt(rate.smoothed_rate),
        _fmt(rate.low),
        _fmt(rate.high),
        _fmt(rate.p_above, 2),
        (_("ja") if rate.exposed else _("nej")) if ranks else "",
        r.synthetic,
    ]


def _fmt(value, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


# The most reports the risk map draws: a year's in a small town, and a bound on the page.
RISKMAP_REPORTS = 2000


@operational
def riskmap(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    group, size = RiskMapForm(request.GET or None).values()
    # The selects show what is drawn, also in place of a value refused (?cell=333).
    form = RiskMapForm(initial={"group": group, "cell": size})
    risk = risk_map_cached(group=group, size=size, codes=scope.codes)
    # Presence, residents' reports and the survey's places are the municipality served's
    # own layers (as on the overview): not drawn over another municipality's grid.
    own = scope.code == home_municipality_code()
    own_layers, key = _own_marks(request, own=own)
    return render(
        request,
        "analytics/riskmap.html",
        {
            "form": form,
            "scope": scope,
            "own": own,
            "group_label": OffenceGroup(group).label,
            "group_name": GROUP_IN_SENTENCE[OffenceGroup(group)],
            # Repeat victimisation is a finding of burglary research; for the other groups
            # the page says only what the model does.
            "near_repeat": group == OffenceGroup.RESIDENTIAL_BURGLARY,
            "size": size,
            # A small town's thin past gets the kernel model, whose top cells one new
            # incident can move: the page says so above the map and the table.
            "risk": risk,
            # The events the map cannot draw (no known place), said beside it.
            "unplaced": unplaced_count(group=group, codes=scope.codes),
            "top": _top_cells(risk.cells),
            "synthetic": synthetic_here(),
            "layers": {
                "grid": cells_geojson(risk.cells, public=False),
                "colours": RISK_COLOURS,
                **own_layers,
            },
            # The survey's key: a middle shade of its purples, outlined in the darkest.
            "survey_swatch": (SURVEY_COLOURS[2], SURVEY_COLOURS[-1]),
            # The key under the map: the levels with their colours, and only the marks drawn.
            "risk_levels": risk_levels(),
            **key,
            **map_context(
                tilesFailed=_("Kartbilden kunde inte laddas. Siffrorna finns i tabellen på sidan.")
            ),
        },
    )


def _top_cells(cells) -> list[tuple]:
    """The ten cells of highest risk, highest first, each with its share of the week's
    risk (per cent) and its place in words."""
    top = sorted((c for c in cells if c.score > 0), key=lambda c: -c.score)[:10]
    total = sum(c.score for c in cells) or 1
    places = describe_places(c.centre_wgs84 for c in top)
    return [(c, c.score / total * 100, place) for c, place in zip(top, places, strict=True)]


def _own_marks(request: HttpRequest, *, own: bool) -> tuple[dict, dict]:
    """The risk map's marks of the municipality served (none over another municipality's
    grid, `own` False): the last 30 days' police presence, the last year's residents'
    reports and the survey's places, as map layers, and the counts and words of the key
    under the map."""
    presence = _recent_presence() if own else {"points": [], "areas": [], "words": []}
    reports = _recent_reports() if own else []
    places = _survey_places(request) if own else None
    layers = {
        "presence": presence["points"],
        "presenceAreas": presence["areas"],
        "reports": reports,
        "survey": places and places.map_layer(),
    }
    return layers, {
        "places": places,
        "report_count": len(reports),
        "presence_points": len(presence["points"]),
        "presence_area_logs": sum(a["count"] for a in presence["areas"]),
        "presence_words": presence["words"],
    }


def _recent_reports() -> list[dict]:
    """The e-service's unsafe-place reports of the last year as the risk map's own layer:
    places that feel unsafe are part of the problem picture even where nothing has been
    reported to the police. Each is labelled with its category in the reader's language
    (`Category.name`)."""
    recent = (
        reports_here()
        .filter(lat__isnull=False, created__gte=timezone.now() - timedelta(days=365))
        .select_related("category")
        .only("reference", "lat", "lon", "category__name_sv", "category__name_en")
    )
    return [
        {"lat": r.lat, "lon": r.lon, "label": f"{r.reference}: {r.category.name}"}
        for r in recent[:RISKMAP_REPORTS]
    ]


def _recent_presence() -> dict:
    """The last 30 days' presence for the risk map: logs with a point as points, and logs
    with only an area as one mark per area at a point inside it (with how many), so that
    presence logged for a whole area is on the map too, marked as the area's; and every
    mark in words (`words`), for the list under the map."""
    since = timezone.now() - timedelta(days=30)
    recent = presence_here().filter(started__gte=since)
    points = [
        {"lat": p.lat, "lon": p.lon, "label": f"{p.get_kind_display()}, {p.minutes} min"}
        for p in recent.filter(lat__isnull=False)
    ]
    per_area: dict = {}
    for p in recent.filter(lat__isnull=True, area__isnull=False).select_related("area"):
        logs, minutes = per_area.get(p.area, (0, 0))
        per_area[p.area] = (logs + 1, minutes + p.minutes)
    areas = []
    for area, (logs, minutes) in sorted(per_area.items(), key=lambda item: item[0].name):
        inside = area.shape.representative_point()
        label = ngettext(
            "%(area)s, hela området: %(count)d pass, %(minutes)d min",
            "%(area)s, hela området: %(count)d pass, %(minutes)d min",
            logs,
        ) % {"area": area.name, "count": logs, "minutes": minutes}
        areas.append({"lat": inside.y, "lon": inside.x, "count": logs, "label": label})
    # The marks are no tab stops and say nothing to a screen reader (analytics-map.js): the
    # page lists them, a point by its place, a ring by its area (its label begins with it).
    places = describe_places((p["lat"], p["lon"]) for p in points)
    words = [
        f"{capfirst(place.summary)}: {p['label']}"
        for p, place in zip(points, places, strict=True)
    ] + [a["label"] for a in areas]
    return {"points": points, "areas": areas, "words": words}


@operational
def suggestions(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    # The risk map's own cached forecast (seven days from today): the same cells, in the same
    # order, as the risk map shows, and its word on how certain they are.
    risk = risk_map_cached(group=OffenceGroup.RESIDENTIAL_BURGLARY, codes=scope.codes)
    chosen = weekly_suggestions(codes=scope.codes, cells=risk.cells)
    places = describe_places((s.lat, s.lon) for s in chosen)
    return render(
        request,
        "analytics/suggestions.html",
        {
            "scope": scope,
            "suggestions": list(zip(chosen, places, strict=True)),
            "risk": risk,
            "synthetic": synthetic_here(),
            "week": timezone.localdate().isocalendar().week,
        },
    )


@readers
def time_profiles(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    form = ProfileForm(request.GET or None, scope=scope)
    group, area = form.chosen()
    incidents = (
        Incident.objects.counted().of_group(group).filter(municipality_code__in=scope.codes)
    )
    if area is not None:
        incidents = incidents.in_area(area)
    # Rows dated outside what local time can express (stored before dates were checked)
    # are left out, so one bad observation cannot break the page for everyone.
    incidents = incidents.filter(occurred_at__gte=READABLE_FROM, occurred_at__lt=READABLE_UNTIL)
    # As fine a table as the number of events allows: a small town's handful of burglaries
    # spread over 24 × 7 hours would read as a pattern that is not there. Incidents whose
    # file gave only their date have no hour (unless the police's event of it gave one:
    # `with_clock`): counted for the period, never in a table.
    clocked = incidents.with_clock()
    profile = profiles.time_profile(
        clocked.filter(clock_known=True).values_list("clock_at", flat=True),
        clocked.filter(clock_known=False).values_list("occurred_at", flat=True),
    )
    return render(
        request,
        "analytics/time_profiles.html",
        {
            "form": form,
            "scope": scope,
            "group_label": OffenceGroup(group).label,
            "area": area,
            "profile": profile,
            # Readers who may not see single incidents (the council) get no day or hour from
            # fewer events than a pattern needs: one burglary's day and hour in a village is
            # that burglary.
            "withheld": not profile.shows_pattern
            and not may_open(request.roles, "analytics.incidents"),
            "synthetic": synthetic_here(),
        },
    )


def _presence_hours(presence: QuerySet[PolicePresence], year: int, *, named: bool = False):
    """Hours of presence per area and month, for the follow-up; over several
    municipalities (`named`) each area with its municipality, since two may share a name."""
    hours: dict[str, list[float]] = defaultdict(lambda: [0.0] * 12)
    for started, minutes, area_name, place in presence.filter(started__year=year).values_list(
        "started", "minutes", "area__name", "municipality__name"
    ):
        month = timezone.localtime(started).month
        name = area_name or _("Utanför bostadsområden")
        if named and place:
            name = f"{name} ({place})"
        hours[name][month - 1] += minutes / 60
    return sorted(
        (name, [round(h, 1) for h in months], round(sum(months), 1))
        for name, months in hours.items()
    )


@operational
def presence(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    can_log = may_open(request.roles, "analytics.presence_log")
    if request.method == "POST" and not can_log:
        # Case handlers read the figures; only the police (and administrators) log presence.
        return render(request, "accounts/forbidden.html", status=403)
    form = PresenceForm(request.POST or None, scope=scope)
    if request.method == "POST" and can_log and form.is_valid():
        data = form.cleaned_data
        try:
            # Where it counts is the service's rule (the area's or the point's
            # municipality), whichever municipality the list shows.
            presence_log(
                officer=request.user,
                started=data["started"],
                minutes=data["minutes"],
                kind=data["kind"],
                area=data["area"],
                lat=data["lat"],
                lon=data["lon"],
                note=data["note"],
                codes=scope.usable,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Närvaron är sparad."))
            return redirect(_with_scope(reverse("analytics:presence"), scope))
    return render(
        request,
        "analytics/presence.html",
        {"form": form, "scope": scope, "can_log": can_log, **_presence_shown(scope)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _presence_shown(scope) -> dict:
    """The presence page's follow-up of the municipalities shown: this year's hours per area
    and month, and the latest logs."""
    year = timezone.localdate().year
    shown = presence_of(scope.codes)
    return {
        "year": year,
        "hours": _presence_hours(shown, year, named=scope.whole_area),
        # Django's own month names, in the reader's language ("jan", "januari").
        "month_names": [(MONTHS_3[m], MONTHS[m]) for m in range(1, 13)],
        "recent": shown.select_related("area", "officer", "municipality")[:20],
    }


def _with_scope(path: str, scope) -> str:
    return f"{path}?{urlencode({'kommun': scope.value})}" if scope.value else path


@municipal
def observation(request: HttpRequest) -> HttpResponse:
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident_record_observation(
                reported_by=request.user,
                occurred_at=data["occurred_at"],
                lat=data["lat"],
                lon=data["lon"],
                offence_group=data["offence_group"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Observationen är sparad."))
            return redirect("analytics:observation")
    recent = Incident.objects.in_municipality(home_municipality_code()).filter(
        source=IncidentSource.STAFF
    ).select_related(
        "area", "reported_by"
    )[:20]
    return render(
        request,
        "analytics/observation.html",
        {"form": form, "recent": recent},
        status=400 if request.method == "POST" and form.errors else 200,
    )


# The import page's two lists, a page each: uploads, and the police feed's fetches.
HISTORY_PARAM, HISTORY_PER_PAGE = "sida", 50
FETCHES_PARAM, FETCHES_PER_PAGE = "hamtningar", 10


def _own_import(import_id: int) -> IncidentImport:
    """An import of this service's municipality, or 404."""
    return get_object_or_404(
        imports_here().select_related("uploaded_by", "municipality"), pk=import_id
    )


@importers
def incident_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file; below, the history of uploads and of the police feed's fetches."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = incident_import_upload(
                municipality=home_municipality(),
                uploaded_by=request.user,
                file_name=upload.name,
                data=upload.read(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("analytics:import_detail", import_id=created.pk)
    return render(
        request,
        "analytics/import.html",
        {"form": form, **_import_history(request), "last_fetch": last_successful_fetch()},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _import_history(request: HttpRequest) -> dict:
    """The page of uploads (`?sida=`) and the page of feed fetches (`?hamtningar=`) asked
    for; each list's links keep the other's page."""
    # Not the file nor its rejected rows: only the counts are listed.
    uploads = imports_here().select_related("uploaded_by").defer("data", "rejections")
    fetches = FeedFetch.objects.exclude(outcome=FeedFetch.Outcome.SKIPPED)
    context = {}
    for name, items, param, per_page in (
        ("history", uploads, HISTORY_PARAM, HISTORY_PER_PAGE),
        ("fetches", fetches, FETCHES_PARAM, FETCHES_PER_PAGE),
    ):
        others = request.GET.copy()
        others.pop(param, None)
        context[name] = page_of(items, per_page=per_page, number=request.GET.get(param))
        context[f"{name}_query"] = others.urlencode()
    # One call serves every municipality: its staff see only their own share of it.
    code = home_municipality_code()
    context["fetches_here"] = rows = fetches_for(context["fetches"], code)
    context["fetch_counts_missing"] = any(
        None in (row.imported, row.county, row.explanation) for row in rows
    )
    return context


@importers
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The column mapping with the file's first rows and its types to map onto groups; then
    the progress; then the result."""
    upload = _own_import(import_id)
    form = preview = trial = None
    clock_warning = ""
    if upload.status == IncidentImport.Status.UPLOADED:
        preview = preview_csv(data := bytes(upload.data))
        form = ImportMappingForm(request.POST or None, header=preview.header, file_data=data)
        # "Pröva kolumnerna" shows the trial with what was chosen and imports nothing.
        if request.method == "POST" and form.is_valid() and "try" not in request.POST:
            try:
                incident_import_start(
                    incident_import=upload, mapping=form.mapping(), system=form.system()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("analytics:import_detail", import_id=upload.pk)
        trial, clock_warning = _trial(upload, form)
    _log_rows_read(request, upload, previewed=preview is not None)
    return render(
        request,
        "analytics/import_detail.html",
        {
            "upload": upload,
            "form": form,
            "preview": preview,
            "trial": trial,
            "progress_text": _progress_text(upload),
            "stalled": upload.stands_still,
            "clock_warning": clock_warning,
        },
        status=400 if form is not None and form.errors else 200,
    )


@importers
@require_http_methods(["GET", "HEAD", "POST"])
def import_undo(request: HttpRequest, import_id: int) -> HttpResponse:
    """Undo a mistaken upload: what it will remove, and what stays because later imports
    had it too, then, sent, remove it. An import that cannot be undone (not finished,
    nothing added, a server's file, undone already) says why; sent again (a double submit)
    it goes back to the import's page; sent while another import runs, it comes back here."""
    upload = _own_import(import_id)
    if request.method == "POST" and not upload.may_undo:
        return redirect("analytics:import_detail", import_id=upload.pk)
    if request.method == "POST":
        try:
            removed = incident_import_undo(incident_import=upload, user=request.user)
        except ValidationError:
            # Another import runs: the page says so; sent again once it is done, it undoes.
            return redirect("analytics:import_undo", import_id=upload.pk)
        messages.success(
            request,
            ngettext(
                "Importen är ångrad: %(count)s händelse togs bort.",
                "Importen är ångrad: %(count)s händelser togs bort.",
                removed,
            )
            % {"count": number_format(removed, force_grouping=True)},
        )
        return redirect("analytics:import_detail", import_id=upload.pk)
    may_undo = upload.may_undo
    return render(
        request,
        "analytics/import_undo.html",
        {
            "upload": upload,
            "preview": incident_import_undo_preview(incident_import=upload) if may_undo else None,
            "busy": may_undo
            and imports_running(municipality_id=upload.municipality_id, exclude=upload.pk).exists(),
        },
    )


def _trial(upload: IncidentImport, form: ImportMappingForm) -> tuple[list | None, str]:
    """The first rows as the import would take them with the columns shown (None while the
    columns chosen cannot be read as a mapping: the rows are then shown as they stand), and
    the warning that the time column chosen holds dates only, if it does."""
    mapping, system = form.tried_mapping()
    warning = incident_import_clock_warning(incident_import=upload, mapping=mapping)
    try:
        trial = incident_import_trial(incident_import=upload, mapping=mapping, system=system)
    except ValidationError:
        trial = None
    return trial, warning


def _progress_text(upload: IncidentImport) -> str:
    """The progress page's visible line: no percentage while queued (it would say "0 %"
    of an import not yet begun); what to do when it waits or stands still so long that
    its worker has stopped (`IncidentImport.stalled_since`)."""
    if since := upload.waiting_since(timezone.now()):
        return _(
            "I kö sedan kl. %(time)s: importen har inte startat. Tjänsten som kör importer kan "
            "ha stannat – kontakta systemförvaltaren. Filen finns kvar och inget har sparats."
        ) % {"time": timezone.localtime(since).strftime("%H:%M")}
    if upload.behind_another(timezone.now()):
        return _("I kö bakom en annan import av kommunen, som pågår: den här startar sedan")
    if upload.status == IncidentImport.Status.QUEUED:
        return _("I kö – importen startar snart")
    if since := upload.stalled_since(timezone.now()):
        return _(
            "Importen har stått still sedan kl. %(time)s (vid %(percent)s %%): tjänsten som "
            "kör importer stoppades troligen mitt i, och importen fortsätter inte. Inget från "
            "filen har sparats. Ladda upp filen igen; kontakta systemförvaltaren om det händer "
            "igen."
        ) % {"time": timezone.localtime(since).strftime("%H:%M"), "percent": upload.percent}
    return f"{upload.phase}: {upload.percent} %"


def _log_rows_read(request: HttpRequest, upload: IncidentImport, *, previewed: bool) -> None:
    """Log the reading of the file's first rows (`previewed`) or of its rejected rows: they
    are its free text, which may name people. The progress page shows neither."""
    if previewed:
        rows = "första raderna"
    elif upload.status == IncidentImport.Status.DONE and upload.rejections:
        rows = "avvisade rader"
    else:
        return
    # A record for the audit, in Swedish as every app's subjects are: not the reader's words.
    access_log_record(
        actor=request.user,
        action=AccessLog.Action.VIEW,
        purpose=AccessLog.Purpose.IMPORT,
        subject=f"filimport {upload.pk} ({home_municipality_code()}) {rows}: {upload.file_name}",
    )


@importers
@require_safe
def import_status(request: HttpRequest, import_id: int) -> JsonResponse:
    """The progress the import page polls for."""
    upload = _own_import(import_id)
    finished = upload.status in (IncidentImport.Status.DONE, IncidentImport.Status.FAILED)
    return JsonResponse(
        {
            "status": upload.status,
            "label": str(upload.phase),
            "percent": upload.percent,
            "text": _progress_text(upload),
            "stalled": upload.stands_still,
            "finished": finished,
        }
    )
