"""Saving incidents: imports from the police feed and files, and staff observations."""

from __future__ import annotations

import bisect
import logging
import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from shapely.geometry import Point

from tryggve.analytics.importers import (
    SUMMARY_PREFIX,
    SUMMARY_WINDOW_AFTER,
    SUMMARY_WINDOW_BEFORE,
    CsvMapping,
    ImportFormatError,
    IncidentData,
    Parsed,
    Rejection,
    Skipped,
    county_code_for,
    is_summary,
    municipality_key,
    read_municipality_csv,
    type_key,
)
from tryggve.analytics.models import (
    Incident,
    IncidentImport,
    IncidentSource,
    NearRepeatAlert,
    OffenceGroup,
    PolicePresence,
    PresenceKind,
    county_key,
)
from tryggve.analytics.selectors import imports_running
from tryggve.analytics.warming import risk_maps_warm_enqueue
from tryggve.areas.models import Municipality, ResidentialArea
from tryggve.areas.selectors import area_for_point, home_municipality, municipality_at
from tryggve.areas.serving import served_codes_or_default
from tryggve.lib import tenancy
from tryggve.lib.geo import geometry_to_sweref, to_sweref

BATCH_SIZE = 1000
log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    # Events of places this deployment does not serve: not stored, and not an error (the
    # police's county digests and a nationwide file name other municipalities).
    outside: int = 0
    # A file's rows that are no incidents and no mistakes (its totals row, `importers.Skipped`):
    # neither imported nor rejected, but counted, so the counts add up to the file's rows.
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    # Rejections per mapping field at fault (`Rejection.fault`; "" for none).
    faults: Counter = field(default_factory=Counter)
    # `imported`, `duplicates` and `rejected` per share of a call (`_Placer.share`): the
    # municipality's code, `county_key(code)` for an event the police place in the county
    # only, "" for one of no known place. One call of the police feed serves every
    # municipality, and its staff may see only their own share of it. A rejected event of a
    # place not served is in no share (only in `rejected`, for the operator).
    imported_by_code: Counter = field(default_factory=Counter)
    duplicates_by_code: Counter = field(default_factory=Counter)
    rejected_by_code: Counter = field(default_factory=Counter)
    # The share of each of `errors` (None: a place not served), so that a municipality's
    # import history quotes only its own rejected events (their text may name people).
    error_shares: list[str | None] = field(default_factory=list)
    # The stored incidents (pks) rows were duplicates of, for `IncidentImport.confirmed`.
    duplicate_of: list[int] = field(default_factory=list)
    # Police events stored before that the police have since edited (`_police_edits`),
    # brought up to date (counted among `duplicates` too) or, moved to a place not served,
    # removed (counted among `outside` too).
    updated: int = 0
    # The same per share: `updated` where the event now is; `moved` where it was before
    # the police moved it to another municipality (brought up to date there, or removed
    # when that one is not served), so each municipality's staff see what left them.
    updated_by_code: Counter = field(default_factory=Counter)
    moved_by_code: Counter = field(default_factory=Counter)

    def by_municipality(self) -> dict[str, dict[str, int]]:
        """{share: {"imported": n, "duplicates": n, "rejected": n}} for every share met
        (`FeedFetch.counts`), with "updated" and "moved" where not 0."""
        counters = {
            "imported": self.imported_by_code,
            "duplicates": self.duplicates_by_code,
            "rejected": self.rejected_by_code,
            "updated": self.updated_by_code,
            "moved": self.moved_by_code,
        }
        shares = sorted(set().union(*counters.values()))
        # The police's edits are rare: their counts only where there are some.
        rare = ("updated", "moved")
        return {
            share: {
                name: c[share] for name, c in counters.items() if c[share] or name not in rare
            }
            for share in shares
        }


class _Placer:
    """Puts precise positions in the home municipality and its residential areas.

    The same rule as `area_for_point` (the smallest area covering the point), but with the
    areas and their parsed polygons loaded once: a query and a polygon parse per row made a
    50,000-row file take minutes.
    """

    def __init__(self) -> None:
        self.home: Municipality | None = home_municipality()
        # Only the home municipality's areas: another's may lie over the same ground.
        self.areas = list(ResidentialArea.objects.filter(municipality=self.home))
        # The municipalities the deployment serves (a neighbour's row kept beside them is
        # not served), by code and by name (one the code table of `importers` lacks is still
        # known by its row), and their counties.
        self.served_codes = set(served_codes_or_default())
        rows = Municipality.objects.filter(code__in=self.served_codes).values_list("code", "name")
        self.served_names = {municipality_key(name): code for code, name in rows}
        self.served_counties = {code[:2] for code in self.served_codes}

    def code_of(self, data: IncidentData | Rejection) -> str:
        return data.municipality_code or self.served_names.get(
            municipality_key(data.municipality_name), ""
        )

    def outside(self, data: IncidentData | Rejection) -> bool:
        """Whether `data` is of a place no served municipality covers: another municipality,
        or a county none of them lies in. Such an event would count for nobody, or, having no
        code, for the default municipality (a burglary in Malmö counted for Arvidsjaur)."""
        if code := self.code_of(data):
            return code not in self.served_codes
        if data.municipality_name:
            return True
        if data.county:
            return county_code_for(data.county) not in self.served_counties
        return False

    def share(self, code: str, data: IncidentData | Rejection) -> str:
        """Whose share of a call an event of the municipality `code` (placed; "" for none)
        is: that municipality's, else its county's when the police name only the county,
        else "" (no known place)."""
        if code:
            return code
        county = county_code_for(data.county) if data.county else ""
        return county_key(county) if county else ""

    def area_for(self, lat: float, lon: float) -> ResidentialArea | None:
        candidates = [area for area in self.areas if area.contains_point(lat, lon)]
        return min(candidates, key=lambda a: a.shape.area) if candidates else None

    def place(self, data: IncidentData) -> Incident:
        incident = Incident(
            source=data.source,
            external_id=data.external_id,
            occurred_at=data.occurred_at,
            time_known=data.time_known,
            offence_group=data.offence_group,
            type_label=data.type_label,
            lat=data.lat,
            lon=data.lon,
            precise=data.precise,
            municipality_code=self.code_of(data),
            municipality_name=data.municipality_name,
            summary=data.summary,
            source_url=data.source_url,
        )
        if data.precise and self.home and self.home.contains_point(data.lat, data.lon):
            incident.municipality_code = self.home.code
            incident.municipality_name = self.home.name
            incident.area = self.area_for(data.lat, data.lon)
        return incident


def _place_key(type_label: str, code: str, name: str) -> tuple[str, str]:
    """What a digest's line and an event of its own must share to be one incident: the
    kind of event and the place. The kind is the type's first part as compared
    (`type_key`): a digest's writer names the type as it comes ("Misshandel", "inbrott")
    where the feed's own event has its exact type ("Misshandel, grov", "Inbrott")."""
    return type_key(type_label.split(",")[0]), code or municipality_key(name)


def _digest_id(data: IncidentData) -> str:
    """The feed's id of the digest `data` is, or is a line of; "" for an event of its own."""
    if data.summary_part:
        return data.external_id.rpartition(":")[0]
    return data.external_id if is_summary(data.type_label) else ""


def _digests_stored(police: list[IncidentData]) -> set[str]:
    """External ids in `police` from a digest of which a version is stored already.

    The police edit a digest after publishing it: prose becomes a list, a line is added at
    the top. Its lines are numbered by position, so only the first version stored counts,
    as for an event of its own; a later one would count its incidents twice.
    """
    digests = {d.external_id: _digest_id(d) for d in police if _digest_id(d)}
    if not digests:
        return set()
    ids = Q(external_id__in=set(digests.values()))
    for digest in set(digests.values()):
        ids |= Q(external_id__startswith=f"{digest}:")
    stored = Incident.objects.filter(ids, source=IncidentSource.POLICE_FEED).values_list(
        "external_id", flat=True
    )
    versions = {i if i in digests.values() else i.rpartition(":")[0] for i in stored}
    return {external_id for external_id, digest in digests.items() if digest in versions}


def _summary_duplicates(batch: list[IncidentData]) -> set[str]:
    """External ids in `batch` that the summary rule makes duplicates.

    The rule: a line of a police digest ("Sammanfattning natt") and an event of its own are
    one incident when they have the same type and municipality and the event happened from
    SUMMARY_WINDOW_BEFORE before the digest to SUMMARY_WINDOW_AFTER after it. Whichever is
    stored first stays; the other counts as a duplicate. In one batch the event wins. A
    digest fetched again, edited or not, adds nothing (`_digests_stored`).
    """
    police = [d for d in batch if d.source == IncidentSource.POLICE_FEED]
    if not police:
        return set()
    versions = _digests_stored(police)
    low = min(d.occurred_at for d in police) - SUMMARY_WINDOW_BEFORE - SUMMARY_WINDOW_AFTER
    high = max(d.occurred_at for d in police) + SUMMARY_WINDOW_BEFORE + SUMMARY_WINDOW_AFTER
    # Every type: a line's "Misshandel" is the event's "Misshandel, grov" (`_place_key`).
    stored = Incident.objects.filter(
        source=IncidentSource.POLICE_FEED, occurred_at__range=(low, high)
    ).values_list(
        "external_id", "type_label", "municipality_code", "municipality_name", "occurred_at"
    )
    # Keyed by external id, so an event stored before and fetched again is one event.
    singles, parts = {}, {}
    for external_id, type_label, code, name, at in stored:
        pool = parts if ":" in external_id else singles
        pool[external_id] = (_place_key(type_label, code, name), at)
    for d in police:
        if not d.summary_part:
            key = _place_key(d.type_label, d.municipality_code, d.municipality_name)
            singles[d.external_id] = (key, d.occurred_at)

    def covers(part_at: datetime, single_at: datetime) -> bool:
        return part_at - SUMMARY_WINDOW_BEFORE <= single_at <= part_at + SUMMARY_WINDOW_AFTER

    # Each event stands for one line at most, so a digest listing two burglaries in a town
    # beside one event of its own still counts two.
    duplicates = set(versions)
    for d in police:
        if d.external_id in parts or d.external_id in versions:
            continue  # a line stored before, or one of another version of a stored digest
        key = _place_key(d.type_label, d.municipality_code, d.municipality_name)
        pool, match = (singles, covers) if d.summary_part else (parts, lambda a, b: covers(b, a))
        for other, (k, at) in pool.items():
            if other != d.external_id and k == key and match(d.occurred_at, at):
                duplicates.add(d.external_id)
                del pool[other]
                break
    return duplicates


# What the police change in an event after publishing it, seen in the feed over months:
# its type ("Bråk" becoming "Mord/dråp", "Brand" "Mordbrand"), its text, the time or the
# municipality in its name, the county and its centre. A single event fetched again with
# its id is brought up to date in these; a digest keeps its first version
# (`_digests_stored`), whose lines are numbered by position.
POLICE_EDITABLE = (
    "occurred_at",
    "offence_group",
    "type_label",
    "municipality_code",
    "municipality_name",
    "summary",
    "source_url",
    "lat",
    "lon",
)


def _police_single(incident: Incident) -> bool:
    """A police feed event of its own: neither a digest nor a digest's line."""
    return (
        incident.source == IncidentSource.POLICE_FEED
        and ":" not in incident.external_id
        and not is_summary(incident.type_label)
    )


def _police_edits(incidents: list[Incident]) -> dict[str, int]:
    """{external id: pk of the stored version} for each police event of `incidents`
    (placed, not saved) stored before with other values in `POLICE_EDITABLE`: one query."""
    fetched = {i.external_id: i for i in incidents if _police_single(i)}
    if not fetched:
        return {}
    stored = Incident.objects.filter(
        source=IncidentSource.POLICE_FEED, external_id__in=list(fetched)
    ).values("pk", "external_id", *POLICE_EDITABLE)
    edits = {}
    for row in stored:
        new = fetched[row["external_id"]]
        if is_summary(row["type_label"]):
            continue
        for name in POLICE_EDITABLE:
            old, value = row[name], getattr(new, name)
            if name == "occurred_at":  # as instants (the hour the clocks go back)
                old, value = old.timestamp(), value.timestamp()
            if old != value:
                edits[row["external_id"]] = row["pk"]
                break
    return edits


def _identity(incident: Incident) -> tuple[str, str, str]:
    """What makes two incidents one: the police feed's ids are the whole country's, but a
    file's ids (or the hash of a row without one) are only its municipality's, so another
    municipality's file using the same numbers is not a duplicate of it."""
    code = "" if incident.source == IncidentSource.POLICE_FEED else incident.municipality_code
    return incident.source, code, incident.external_id


def _stored(incidents: list[Incident]) -> dict[tuple[str, str], QuerySet[Incident]]:
    """The stored incidents with the identities of `incidents`, per (source, code)."""
    return _stored_with({_identity(incident) for incident in incidents})


def _stored_with(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], QuerySet]:
    """The stored incidents with the identities `keys` (`_identity`'s), per (source, code):
    one query each, however many ids."""
    groups: dict[tuple[str, str], list[str]] = {}
    for source, code, external_id in keys:
        groups.setdefault((source, code), []).append(external_id)
    found = {}
    for (source, code), ids in groups.items():
        stored = Incident.objects.filter(source=source, external_id__in=ids)
        if source != IncidentSource.POLICE_FEED:
            stored = stored.filter(municipality_code=code)
        found[source, code] = stored
    return found


@dataclass(frozen=True)
class _Facts:
    """What must agree for a row whose id is known to be the incident stored (or met
    earlier in the file) under that id: when, what and where. `where` is the earlier
    row's line, for one met in the file."""

    occurred_at: datetime
    type_label: str
    offence_group: str
    lat: float | None
    lon: float | None
    where: str = ""


def _facts(incident: Incident, where: str = "") -> _Facts:
    return _Facts(
        incident.occurred_at,
        incident.type_label,
        incident.offence_group,
        incident.lat,
        incident.lon,
        where,
    )


# Two positions of one incident: the same point, give or take a file's rounding (a tenth of
# a metre at six decimals) and SWEREF 99 TM's conversion; a metre apart is another place.
SAME_PLACE_M = 1.0
METRES_PER_DEGREE = 111_320.0


def _apart_m(a: _Facts, b: _Facts) -> float:
    """Metres between two positions, flat-earth (only a metre or so matters); infinite
    when one has a position and the other none."""
    if a.lat is None or b.lat is None:
        return 0.0 if a.lat is None and b.lat is None else math.inf
    north = (a.lat - b.lat) * METRES_PER_DEGREE
    east = (a.lon - b.lon) * METRES_PER_DEGREE * math.cos(math.radians(a.lat))
    return math.hypot(north, east)


def _differences(known: _Facts, row: _Facts) -> list[str]:
    """What differs between an incident known under an id and a row with that id: its
    time, its type (the file's own label, compared as types are, `importers.type_key`,
    so case and Unicode composition aside; the group only for rows without one,
    since a group chosen anew for the same type is the same incident) and its place."""
    differs = []
    # Compared as instants: an aware time in the hour the clocks go back is never equal to
    # another zone's under Python's rules for ambiguous times (PEP 495), so the same row
    # re-imported read as "another time" and was rejected, or saved twice under a system.
    if known.occurred_at.timestamp() != row.occurred_at.timestamp():
        differs.append(_("tid"))
    if type_key(known.type_label) != type_key(row.type_label) or (
        not row.type_label and known.offence_group != row.offence_group
    ):
        differs.append(_("typ"))
    if _apart_m(known, row) > SAME_PLACE_M:
        differs.append(_("plats"))
    return differs


def _id_taken(data: IncidentData, known: _Facts, differs: list[str]) -> Rejection:
    """A row whose id is already another incident's: rejected by its line, never counted as
    a duplicate, so a second system's file numbered like the first loses nothing unseen."""
    what = "/".join(differs)
    if known.where:
        reason = _("id %(id)s finns redan på %(where)s i filen med en annan %(what)s") % {
            "id": data.file_id,
            "where": known.where,
            "what": what,
        }
    elif data.bare_id:
        reason = _(
            "id %(id)s finns redan från samma källsystem med en annan %(what)s – är filen "
            "från ett annat system? Ange dess källsystem."
        ) % {"id": data.file_id, "what": what}
    else:
        reason = _(
            "id %(id)s finns redan med en annan %(what)s – är filen från ett annat system? "
            "Ange källsystem."
        ) % {"id": data.file_id, "what": what}
    return Rejection(data.where, reason, "id")


# What `_prepare_batch` makes of each item: saved, already there (`EDITED`: a police event
# there in an earlier version, `_police_edits`), or rejected; and what `incidents_check`
# says of a file's row that is skipped (a totals row).
NEW, DUPLICATE, EDITED = "new", "duplicate", "edited"
Outcome = str | Rejection | Skipped


def _prepare_batch(
    batch: list[IncidentData], *, placer: _Placer, seen: dict, matched: list | None = None
) -> list[tuple[Outcome, Incident]]:
    """Each incident of `batch`, placed, with what becomes of it: `NEW`, a `DUPLICATE` of
    one stored already or met before (`seen`, which this adds to), or a `Rejection` for a
    file's row whose id is known with another time, type or place. Only reads the database:
    one query per source and municipality for the whole batch, whatever its size.

    A row of a named source system whose id is stored only without the system (imported
    before systems were named) is that incident when it agrees with it, and another
    system's otherwise; so is a row whose id holds ":" stored as such ids were before they
    were marked, when that could be a system's id (`importers.earlier_ids`). `matched`
    gets the pk of each stored incident a row duplicates.
    """
    placed = [placer.place(data) for data in batch]
    summary = {(IncidentSource.POLICE_FEED, "", i) for i in _summary_duplicates(batch)}
    edits = _police_edits(placed)
    keys = {_identity(incident) for incident in placed}
    pairs = list(zip(placed, batch, strict=True))
    keys |= {
        (*_identity(i)[:2], other)
        for i, data in pairs
        for other in (data.alias_id, *data.earlier_ids)
        if other
    }
    stored, pks = {}, {}
    fields = ("pk", "external_id", "occurred_at", "type_label", "offence_group", "lat", "lon")
    for (source, code), rows in _stored_with(keys).items():
        for pk, external_id, *facts in rows.values_list(*fields):
            stored[source, code, external_id] = _Facts(*facts)
            pks[source, code, external_id] = pk
    outcomes = []
    for incident, data in pairs:
        key = match = _identity(incident)
        known = stored.get(key) or seen.get(key)
        alias = (*key[:2], data.alias_id)
        if known is None and data.alias_id and alias in stored:
            # The row's own id as an earlier import stored it (`importers.earlier_ids`).
            known, match = stored[alias], alias
        earlier = [(*key[:2], other) for other in data.earlier_ids]
        if key in summary:
            outcome = DUPLICATE
        elif known is not None:
            # Only a file's own id can clash: a hash is of the row's contents, and the
            # police edit their events, whose fetch again is the same event.
            differs = _differences(known, _facts(incident)) if data.file_id else []
            outcome = _id_taken(data, known, differs) if differs else DUPLICATE
            if outcome == DUPLICATE and key in stored and incident.external_id in edits:
                # The police's edit of their event: the stored one is brought up to date.
                incident.pk = edits.pop(incident.external_id)
                outcome = EDITED
        elif found := next((other for other in earlier if other in stored), None):
            outcome = NEW if _differences(stored[found], _facts(incident)) else DUPLICATE
            match = found  # the stored incident it is, for `matched`
        else:
            outcome = NEW
        if outcome in (DUPLICATE, EDITED) and matched is not None and match in pks:
            matched.append(pks[match])
        if outcome == NEW:
            seen[key] = _facts(incident, data.where)
        outcomes.append((outcome, incident))
    return outcomes


# What `incidents_check` says of an event of a place no served municipality covers.
OUTSIDE = "outside"


def incidents_check(*, incidents: list[Parsed]) -> list[Outcome]:
    """What an import would make of each of `incidents` now, saving nothing: `NEW`,
    `DUPLICATE` (`EDITED` for a police event edited since), `OUTSIDE` (a place no served
    municipality covers), the `Rejection` the import would report, or the `Skipped` it
    would pass over. The upload page's trial of a file's first rows, by the same rules as
    `incidents_import`, in the municipality served (`tenancy.serving`)."""
    placer = _Placer()

    def to_save(item: Parsed) -> bool:
        return isinstance(item, IncidentData) and not placer.outside(item)

    batch = [item for item in incidents if to_save(item)]
    found = iter(_prepare_batch(batch, placer=placer, seen={}))
    return [
        next(found)[0]
        if to_save(item)
        else item
        if isinstance(item, Rejection | Skipped)
        else OUTSIDE
        for item in incidents
    ]


def _write(
    new: list[tuple[Incident, str]],
    *,
    synthetic: bool,
    result: ImportResult,
    source: IncidentImport | None = None,
) -> None:
    incidents = [incident for incident, _share in new]
    for incident in incidents:
        incident.synthetic = synthetic
        incident.incident_import = source
    # Asking first is what makes the counts right on every database: neither SQLite nor
    # PostgreSQL says which rows `ignore_conflicts` skipped. ignore_conflicts only guards
    # against an import running beside this one, whose rows then count here as well.
    Incident.objects.bulk_create(incidents, ignore_conflicts=True, batch_size=BATCH_SIZE)
    result.imported += len(incidents)
    if incidents:
        codes = {incident.municipality_code for incident in incidents}
        incidents_link_same(
            codes=codes,
            start=min(incident.occurred_at for incident in incidents),
            end=max(incident.occurred_at for incident in incidents),
        )
        # Their risk maps' cached entries are old now (only precise incidents are drawn): the
        # worker computes the new ones.
        risk_maps_warm_enqueue(codes={i.municipality_code for i in incidents if i.precise} - {""})
    result.imported_by_code.update(share for _incident, share in new)
    # bulk_create with ignore_conflicts returns no keys, so read back the new incidents
    # that may need an alert (only those: reading back a whole file took a fifth of it).
    now = timezone.now()
    for fresh in _stored([i for i in incidents if _may_alert(i, now)]).values():
        near_repeat_alerts_prepare(incidents=fresh, now=now)


# Values in one IN list at most, below every database's limit.
IN_SLICE = 500


def _edit(edited: list[Incident], result: ImportResult) -> None:
    """Bring stored police events up to date with the police's edits (`EDITED`: `pk` is the
    stored one's). A link to a record (`same_as`) is made anew, as for a new event: the
    edit may have changed the group, the municipality or the time it rested on. A feed
    event is never precise, so it has no near-repeat alerts to prepare. One moved to
    another municipality is counted as moved for the one it left (`moved_by_code`)."""
    if not edited:
        return
    rows = Incident.objects.filter(pk__in=[incident.pk for incident in edited])
    before = {
        pk: (code, at)
        for pk, code, at in rows.values_list("pk", "municipality_code", "occurred_at")
    }
    result.moved_by_code.update(
        before[i.pk][0]
        for i in edited
        if i.pk in before and before[i.pk][0] and before[i.pk][0] != i.municipality_code
    )
    for incident in edited:
        Incident.objects.filter(pk=incident.pk).update(
            same_as=None, **{name: getattr(incident, name) for name in POLICE_EDITABLE}
        )
    # Where and when they were too: a record an edited event stood aside for is free now,
    # and another event of its municipality may stand aside for it instead.
    moments = [i.occurred_at for i in edited] + [at for _code, at in before.values()]
    incidents_link_same(
        codes={i.municipality_code for i in edited} | {code for code, _at in before.values()},
        start=min(moments),
        end=max(moments),
    )


def _police_moved_away(fetched: list[Incident], result: ImportResult) -> int:
    """Remove the stored police events of `fetched` (placed, of places none served covers)
    whose place the police have changed since (the municipality in an event's name
    corrected): such an event is not stored (`outside`), and one stored before would count
    for a place the police say it is not. One fetched again at the place it was stored in
    stays: that municipality is not served now (routing turned off, its slug removed), and
    one municipality's configuration must not delete another's events. Returns how many
    were removed, counted as moved for the municipality each left (`moved_by_code`)."""
    by_id = {incident.external_id: incident for incident in fetched}
    ids = list(by_id)
    removed = 0
    for start in range(0, len(ids), IN_SLICE):
        stored = Incident.objects.filter(
            source=IncidentSource.POLICE_FEED, external_id__in=ids[start : start + IN_SLICE]
        )
        stored = stored.exclude(external_id__contains=":").exclude(
            type_label__istartswith=SUMMARY_PREFIX
        )
        moved = {
            pk: (code, at)
            for pk, external_id, code, name, at in stored.values_list(
                "pk", "external_id", "municipality_code", "municipality_name", "occurred_at"
            )
            if _moved(code, name, by_id[external_id])
        }
        if not moved:
            continue
        result.moved_by_code.update(code for code, _at in moved.values() if code)
        gone = Incident.objects.filter(pk__in=list(moved))
        removed += gone.delete()[1].get(Incident._meta.label, 0)
        # A record one of them stood aside for is free: another event may stand aside now.
        moments = [at for _code, at in moved.values()]
        incidents_link_same(
            codes={code for code, _at in moved.values()}, start=min(moments), end=max(moments)
        )
    return removed


def _moved(code: str, name: str, fetched: Incident) -> bool:
    """Whether a stored event of the municipality `code` (or `name`) is placed elsewhere in
    its version `fetched`. One stored with neither lay in a served county, which the
    fetched version (not served) no longer does."""
    place = code or municipality_key(name)
    return not place or place != (
        fetched.municipality_code or municipality_key(fetched.municipality_name)
    )


# How far apart in time a police feed event and a file's or a staff member's record of the
# same group may lie and still be one event: the feed gives the time the police logged it,
# often rounded and sometimes hours after a burglary was found; further apart, two burglaries
# of one evening in a town would be merged. A record with its date alone matches on the date.
SAME_EVENT_WINDOW = timedelta(hours=3)


def incidents_link_same(*, codes: Iterable[str], start: datetime, end: datetime) -> int:
    """Mark the police feed's events of the municipalities `codes` around [start, end] that
    a file's row or a staff observation records too (`Incident.same_as`), so that every
    count reads the event once, from the record with the real place.

    One event matches one record: of the same municipality and offence group (never
    "Övrigt", too wide to tell two events apart), demo data only with demo data, at a time
    that fits (`_may_be_same`); the closest pairs first. Events and records linked already
    stay as they are, so a re-run changes nothing. Returns how many events were linked now."""
    codes = {code for code in codes if code}
    if not codes:
        return 0
    unlinked = Incident.objects.filter(municipality_code__in=codes).exclude(
        offence_group=OffenceGroup.OTHER
    )
    feed = list(
        unlinked.filter(source=IncidentSource.POLICE_FEED, same_as__isnull=True)
        .filter(occurred_at__gte=start - _LINK_REACH, occurred_at__lte=end + _LINK_REACH)
        .values_list(
            "pk", "municipality_code", "offence_group", "synthetic", "occurred_at", "external_id"
        )
    )
    if not feed:
        return 0
    records = _records_near(unlinked, feed)
    candidates: dict[int, list[tuple[timedelta, int]]] = {}
    for pk, code, group, synthetic, moment, external_id in feed:
        # Only the records within a day of the event can match (a city's file holds
        # thousands of the same group in a year): found in the sorted list by bisection.
        rows = records.get((code, group, synthetic), [])
        first = bisect.bisect_left(rows, (moment - _LINK_REACH,))
        last = bisect.bisect_right(rows, (moment + _LINK_REACH, math.inf))
        part = ":" in external_id  # a digest's line ("<digest id>:<n>", `split_summary`)
        fits = [
            (abs(moment - when), other)
            for when, other, time_known in rows[first:last]
            if _may_be_same(moment, part=part, record_at=when, time_known=time_known)
        ]
        if fits:
            candidates[pk] = sorted(fits)
    links = [Incident(pk=pk, same_as_id=other) for pk, other in _matching(candidates).items()]
    try:
        # A savepoint: an import beside this one that linked the same record first (the
        # one-to-one constraint) must not cost this import its rows; its own run linked them.
        with transaction.atomic():
            Incident.objects.bulk_update(links, ["same_as"], batch_size=IN_SLICE)
    except IntegrityError:
        log.warning("incidents_link_same: linked by a run beside this one; left as it was")
        return 0
    return len(links)


def _matching(candidates: dict[int, list[tuple[timedelta, int]]]) -> dict[int, int]:
    """Feed events to records, one to one, as many as `candidates` (each event's fitting
    records, closest first) allow: the closest pairs first, then augmenting paths (Kuhn's
    algorithm) for the events left over. Closest first alone can give an event's only
    record to a nearer event that had another (20:00 and 22:00 in the feed, 21:10 and 23:30
    in the file: 22:00-21:10 first leaves 20:00 and 23:30 apart), and one event is then
    counted twice."""
    by_feed: dict[int, int] = {}
    by_record: dict[int, int] = {}
    pairs = sorted((apart, pk, other) for pk, fits in candidates.items() for apart, other in fits)
    for _apart, pk, other in pairs:
        if pk not in by_feed and other not in by_record:
            by_feed[pk], by_record[other] = other, pk
    for pk in sorted(candidates):
        if pk not in by_feed:
            _augment(pk, candidates, by_feed, by_record)
    return by_feed


def _augment(start: int, candidates, by_feed: dict[int, int], by_record: dict[int, int]) -> bool:
    """Find a record for the unmatched event `start` by moving matched events to other
    records of theirs (an augmenting path, depth first without recursion, each record
    visited once); change `by_feed` and `by_record` along it. False when there is none."""
    seen: set[int] = set()
    path: list[tuple[int, int]] = []  # the pairs taken on the way, one per frame below
    stack = [(start, iter(candidates.get(start, ())))]
    while stack:
        event, options = stack[-1]
        for _apart, record in options:
            if record in seen:
                continue
            seen.add(record)
            path.append((event, record))
            holder = by_record.get(record)
            if holder is None:
                for pk, other in path:
                    by_feed[pk], by_record[other] = other, pk
                return True
            stack.append((holder, iter(candidates.get(holder, ()))))
            break
        else:
            stack.pop()
            if path:
                path.pop()
    return False


# How far from a feed event a record may lie to be looked at (`_may_be_same` decides): a
# day covers a digest's night (SUMMARY_WINDOW_BEFORE) and a record's date without a clock.
_LINK_REACH = timedelta(days=1)


def _records_near(unlinked, feed: list[tuple]) -> dict[tuple, list[tuple[datetime, int, bool]]]:
    """The records (not the feed's, not linked yet) of the feed events' groups around their
    times, as (time, pk, time known) sorted by time, by (municipality, group, demo)."""
    records: dict[tuple, list[tuple[datetime, int, bool]]] = {}
    for pk, code, group, synthetic, moment, time_known in (
        unlinked.exclude(source=IncidentSource.POLICE_FEED)
        .filter(feed_copy__isnull=True, offence_group__in={row[2] for row in feed})
        .filter(
            occurred_at__gte=min(row[4] for row in feed) - _LINK_REACH,
            occurred_at__lte=max(row[4] for row in feed) + _LINK_REACH,
        )
        .values_list(
            "pk", "municipality_code", "offence_group", "synthetic", "occurred_at", "time_known"
        )
    ):
        records.setdefault((code, group, synthetic), []).append((moment, pk, time_known))
    for rows in records.values():
        rows.sort()
    return records


def _may_be_same(event_at: datetime, *, part: bool, record_at: datetime, time_known: bool) -> bool:
    """Whether a record at `record_at` may be the feed event at `event_at`: within
    `SAME_EVENT_WINDOW`, or on the same local date when the record has no clock time. A
    digest's line (`part`) carries the digest's time, written the morning after the night
    it sums up: then the window is the digest's own (`SUMMARY_WINDOW_BEFORE` before it to
    `SUMMARY_WINDOW_AFTER` after), and a date alone may be the digest's or the day before."""
    if part:
        if time_known:
            return event_at - SUMMARY_WINDOW_BEFORE <= record_at <= event_at + SUMMARY_WINDOW_AFTER
        days = (timezone.localdate(event_at) - timezone.localdate(record_at)).days
        return days in (0, 1)
    if time_known:
        return abs(event_at - record_at) <= SAME_EVENT_WINDOW
    return timezone.localdate(event_at) == timezone.localdate(record_at)




def _confirm(source: IncidentImport | None, pks: list[int]) -> None:
    """Note on the upload `source` the stored incidents its rows duplicated
    (`IncidentImport.confirmed`), so that undoing the upload that added one keeps it."""
    if source is None or not pks:
        return
    through = IncidentImport.confirmed.through
    unique = sorted(set(pks))
    # In slices: a database takes only so many values in one IN (SQLite 32,766). Only those
    # still there: an upload undone meanwhile took its incidents with it.
    for start in range(0, len(unique), IN_SLICE):
        there = Incident.objects.filter(pk__in=unique[start : start + IN_SLICE])
        rows = [
            through(incidentimport_id=source.pk, incident_id=pk)
            for pk in there.values_list("pk", flat=True)
        ]
        through.objects.bulk_create(rows, ignore_conflicts=True)


def incidents_import(
    *,
    incidents: Iterable[Parsed],
    synthetic: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    all_or_nothing: bool = False,
    source: IncidentImport | None = None,
) -> ImportResult:
    """Save parsed incidents (from `importers`) that are not there yet; count the rest.

    Rejections are counted and their messages kept in the file's order; a file's totals row
    (`Skipped`) is counted as `skipped`, neither saved nor rejected. Events of places no
    served municipality covers are counted as `outside` and not stored. An incident already
    stored (`_identity`) is a duplicate, so importing the same feed or file twice adds
    nothing (a police event the police have edited since is brought up to date, or removed
    when they have moved it to a place not served: `updated`); but a file's row whose id is
    stored (or met earlier in the file) with another time, type or place is rejected by its
    line (`_prepare_batch`), never a silent duplicate.
    Each batch is saved in its own transaction: a crash keeps the batches already saved and
    a re-run completes the rest. With `all_or_nothing` (a file: the summary rule of the
    police feed would miss a digest and an event in different batches) everything is read,
    placed and checked first and then saved in one transaction, so that on SQLite the one
    write lock is held only while saving. `on_progress` gets the number of items read so far.
    `source` is the upload the incidents come from, kept on each one it adds so that the
    import can be undone (`incident_import_undo`).
    """
    result = ImportResult()
    placer = _Placer()
    batch: list[IncidentData] = []
    order: list[int] = []  # each batch item's place in `incidents`, for its message's order
    pending: list[tuple[Incident, str]] = []
    pending_edits: list[Incident] = []
    seen: dict = {}
    errors: list[tuple[int, str, str | None]] = []
    # Police events of places not served (`outside`), placed: one stored before elsewhere
    # was moved away by the police (`_police_moved_away`).
    away: list[Incident] = []

    def reject(number: int, rejection: Rejection, share: str | None) -> None:
        """Count `rejection` (the file's item `number`), and for its share of the call unless
        it is of a place no served municipality covers (`share` None)."""
        result.rejected += 1
        errors.append((number, str(rejection), share))
        result.faults[rejection.fault] += 1
        if share is not None:
            result.rejected_by_code[share] += 1

    def flush() -> None:
        new, matched, edited = [], [], []
        outcomes = _prepare_batch(batch, placer=placer, seen=seen, matched=matched)
        result.duplicate_of.extend(matched)
        for number, data, (outcome, incident) in zip(order, batch, outcomes, strict=True):
            share = placer.share(incident.municipality_code, data)
            if outcome == NEW:
                new.append((incident, share))
            elif outcome in (DUPLICATE, EDITED):
                result.duplicates += 1
                result.duplicates_by_code[share] += 1
                if outcome == EDITED:
                    edited.append(incident)
                    result.updated_by_code[share] += 1
            else:
                reject(number, outcome, share)
        result.updated += len(edited)
        batch.clear()
        order.clear()
        if all_or_nothing:
            pending.extend(new)
            pending_edits.extend(edited)
        else:
            # Streaming, the earlier batches are stored, so duplicates across them are found.
            seen.clear()
            with transaction.atomic():
                _write(new, synthetic=synthetic, result=result, source=source)
                _edit(edited, result)
                _confirm(source, matched)
            edited.clear()

    for done, item in enumerate(incidents, start=1):
        if isinstance(item, Skipped):
            result.skipped += 1
        elif isinstance(item, Rejection):
            outside = placer.outside(item)
            reject(done, item, None if outside else placer.share(placer.code_of(item), item))
        elif placer.outside(item):
            result.outside += 1
            if item.source == IncidentSource.POLICE_FEED and not item.summary_part:
                away.append(placer.place(item))
        else:
            batch.append(item)
            order.append(done)
        if len(batch) >= batch_size:
            flush()
        if on_progress:
            on_progress(done)
    if batch:
        flush()
    if all_or_nothing:
        with transaction.atomic():
            _write(pending, synthetic=synthetic, result=result, source=source)
            _edit(pending_edits, result)
            _confirm(source, result.duplicate_of)
    with transaction.atomic():
        result.updated += _police_moved_away(away, result)
    # Stable: a batch's rejections found when saving go back among the file's others.
    errors.sort(key=lambda e: e[0])
    result.errors = [message for _number, message, _share in errors]
    result.error_shares = [share for _number, _message, share in errors]
    return result


def incident_record_observation(
    *,
    reported_by,
    occurred_at: datetime,
    lat: float | None,
    lon: float | None,
    offence_group: str,
    summary: str,
) -> Incident:
    """Record what a staff member saw, for the weekly shared situation report (EST).

    With a position the observation is precise and placed in its residential area; it must
    then lie inside the municipality. Without one it counts for the municipality only.
    """
    # Errors name their field, so a form shows each one next to the field it concerns.
    if offence_group not in OffenceGroup.values:
        raise ValidationError(
            {"offence_group": ValidationError(_("Okänd brottsgrupp."), code="offence_group")}
        )
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Ange både latitud och longitud, eller ingen av dem.")})
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    # A few minutes' slack for a clock that runs ahead of the server's.
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(
            {"occurred_at": ValidationError(_("Tidpunkten ligger i framtiden."), code="future")}
        )
    home = home_municipality()
    incident = Incident(
        source=IncidentSource.STAFF,
        external_id=uuid.uuid4().hex,
        occurred_at=occurred_at,
        offence_group=offence_group,
        summary=summary.strip(),
        reported_by=reported_by,
        municipality_code=home.code if home else "",
        municipality_name=home.name if home else "",
    )
    if lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(
                {"lat": ValidationError(_("Positionen ligger utanför jorden."), code="position")}
            )
        if home is not None and not home.contains_point(lat, lon):
            raise ValidationError(
                {"lat": ValidationError(_("Platsen ligger utanför kommunen."), code="position")}
            )
        incident.lat, incident.lon, incident.precise = lat, lon, True
        incident.area = area_for_point(lat=lat, lon=lon)
    with transaction.atomic():
        incident.save()
        near_repeat_alerts_prepare(incidents=[incident])
        incidents_link_same(
            codes=[incident.municipality_code], start=occurred_at, end=occurred_at
        )
    return incident


ALERT_MAX_AGE_DAYS = 14


def _may_alert(incident: Incident, now: datetime) -> bool:
    return (
        incident.offence_group == OffenceGroup.RESIDENTIAL_BURGLARY
        and incident.precise
        and incident.occurred_at >= now - timedelta(days=ALERT_MAX_AGE_DAYS)
    )


def near_repeat_alerts_prepare(*, incidents, now: datetime | None = None) -> list[NearRepeatAlert]:
    """Prepare an alert for every residential area in or near a new residential burglary.

    Near-repeat risk lasts a few weeks, so burglaries older than that (a history import)
    prepare nothing. Call inside the transaction that saved the incidents.
    """
    now = now or timezone.now()
    radius = settings.NEAR_REPEAT_RADIUS_M
    areas = None
    alerts = []
    for incident in incidents:
        if not _may_alert(incident, now):
            continue
        if areas is None:
            areas = [(a, geometry_to_sweref(a.shape)) for a in ResidentialArea.objects.all()]
        point = Point(*to_sweref(incident.lon, incident.lat))
        for area, shape in areas:
            distance = shape.distance(point)
            if distance <= radius:
                alerts.append(NearRepeatAlert(incident=incident, area=area, distance_m=distance))
    NearRepeatAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return alerts


def presence_log(
    *,
    officer,
    started: datetime,
    minutes: int,
    kind: str,
    area: ResidentialArea | None = None,
    lat: float | None = None,
    lon: float | None = None,
    note: str = "",
    codes: tuple[str, ...] | None = None,
) -> PolicePresence:
    """Log a stretch of visible police presence, in an area or at a point.

    `codes`: the municipalities it may count for (a page passes those its user may use);
    a point outside them, or outside every municipality, is refused. None (tools, the demo):
    any, and a point outside every municipality counts for the one served."""
    # Errors name their field, so a form shows each one next to the field it concerns.
    if area is None and lat is None:
        raise ValidationError({"area": _("Ange ett område eller en plats.")})
    if (lat is None) != (lon is None):
        raise ValidationError({"lat": _("Ange både latitud och longitud, eller ingen av dem.")})
    if not 1 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Ange mellan 1 och 1 440 minuter.")})
    if kind not in PresenceKind.values:
        raise ValidationError({"kind": _("Välj hur ni var på plats.")})
    if timezone.is_naive(started):
        started = timezone.make_aware(started)
    if started > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"started": _("Tidpunkten ligger i framtiden.")})
    if lat is not None and area is None:
        area = area_for_point(lat=lat, lon=lon)
    # The area's municipality where there is one; a point outside every area counts for the
    # municipality whose boundary holds it, else for the one whose pages it was logged on.
    municipality = area.municipality if area is not None else municipality_at(lat=lat, lon=lon)
    if codes is None:
        municipality = municipality or home_municipality()
    elif (municipality is None or municipality.code not in codes) and home_municipality():
        # A point at sea, or in a municipality whose pages the officer may not use, would
        # count for a municipality where nobody was (lat 0, lon 0 counted for Arvidsjaur).
        raise ValidationError(
            {
                "lat" if lat is not None else "area": ValidationError(
                    _("Platsen ligger utanför de kommuner ni kan logga närvaro i."),
                    code="position",
                )
            }
        )
    return PolicePresence.objects.create(
        officer=officer,
        started=started,
        minutes=minutes,
        kind=kind,
        area=area,
        lat=lat,
        lon=lon,
        note=note.strip(),
        municipality=municipality,
    )


# Uploaded files -----------------------------------------------------------------------------

# Rows read between two progress updates, and the rejections kept for the result page.
PROGRESS_EVERY = 500
MAX_REJECTIONS_SHOWN = 1000


def incident_import_record(
    *,
    municipality: Municipality,
    file_name: str,
    rows: int,
    result: ImportResult,
    system: str = "",
) -> IncidentImport:
    """Record in the import history a file imported on the server (`import_incidents`),
    once it has run: the staff page's history then holds every file, not only uploads.
    The file itself is not kept (its free text may name people). The incidents its rows
    duplicated are noted (`confirmed`): undoing the upload that added one keeps it."""
    now = timezone.now()
    record = IncidentImport.objects.create(
        municipality=municipality,
        via=IncidentImport.Via.COMMAND,
        file_name=file_name[:255],
        system=system,
        status=IncidentImport.Status.DONE,
        total_rows=rows,
        rows_done=rows,
        imported=result.imported,
        duplicates=result.duplicates,
        rejected=result.rejected,
        outside=result.outside,
        skipped=result.skipped,
        rejections=result.errors[:MAX_REJECTIONS_SHOWN],
        finished=now,
    )
    _confirm(record, result.duplicate_of)
    return record


def police_file_import_record(*, file_name: str, result: ImportResult) -> list[IncidentImport]:
    """Record a police-format file imported on the server (`import_incidents --format
    polisen`) in the import history of each served municipality it had a share for, with
    that share's counts and rejected events only: like one call of the feed, one file may
    hold every served municipality's events, and each one's staff may see only their own.

    A municipality's share is its own events, those the police place only in its county
    (which concern every municipality of the county, as "Hela länet" on the feed's list),
    and, for the default municipality alone, those of no known place (stored without a
    code, they count for it: `IncidentQuerySet.for_code`). The events of places not served
    (`outside`, never stored) are counted on each row, as the file's. A municipality with
    nothing in the file gets no row."""
    shares = result.by_municipality()
    zero = {"imported": 0, "duplicates": 0, "rejected": 0}
    now = timezone.now()
    records = []
    served = Municipality.objects.filter(code__in=served_codes_or_default()).order_by("code")
    for municipality in served:
        keys = [municipality.code, county_key(municipality.code[:2])]
        if municipality.code == settings.MUNICIPALITY_CODE:
            keys.append("")
        counts = {name: sum(shares.get(key, zero)[name] for key in keys) for name in zero}
        if not any(counts.values()):
            continue
        messages = [
            message
            for message, share in zip(result.errors, result.error_shares, strict=True)
            if share in keys
        ]
        read = sum(counts.values()) + result.outside
        records.append(
            IncidentImport(
                municipality=municipality,
                via=IncidentImport.Via.COMMAND,
                file_name=file_name[:255],
                status=IncidentImport.Status.DONE,
                total_rows=read,
                rows_done=read,
                **counts,
                outside=result.outside,
                rejections=messages[:MAX_REJECTIONS_SHOWN],
                finished=now,
            )
        )
    with transaction.atomic():
        return IncidentImport.objects.bulk_create(records)


# Stored untranslated, and translated on the page in the reader's language.
UNEXPECTED_ERROR = gettext_noop("Oväntat fel.")


def _import_claim(import_id: int) -> bool | None:
    """Mark a queued import running for this worker: True; False while another import of
    its municipality runs (two at once each find the other's rows new, so both count them
    as imported, and undoing the one that saved them takes them from the other file too);
    None when it is not queued. One that has stood still for RUN_PATIENCE lost its worker
    and keeps no one waiting. Claims of one municipality are taken one at a time (its row
    locked on PostgreSQL; SQLite's transactions are IMMEDIATE, one writer at a time)."""
    now = timezone.now()
    with transaction.atomic():
        municipality_id = (
            IncidentImport.objects.filter(pk=import_id, status=IncidentImport.Status.QUEUED)
            .values_list("municipality_id", flat=True)
            .first()
        )
        if municipality_id is None:
            return None
        Municipality.objects.select_for_update().filter(pk=municipality_id).first()
        at_work = (
            IncidentImport.objects.at_work(now)
            .filter(municipality_id=municipality_id)
            .exclude(pk=import_id)
        )
        if at_work.exists():
            return False
        queued = IncidentImport.objects.filter(pk=import_id, status=IncidentImport.Status.QUEUED)
        return bool(queued.update(status=IncidentImport.Status.RUNNING, progressed=now)) or None


def incident_import_run(*, import_id: int) -> IncidentImport | None:
    """Run a queued file import: all of it or nothing (one transaction), then forget the file.

    Progress (rows read) is saved while the file is read, outside the transaction so that
    the status page sees it; the saving itself is atomic. Returns None when the import is
    not queued (run already, or by another worker), and the import still queued while
    another of its municipality runs (`_import_claim`): the caller tries again later.
    """
    if not (claimed := _import_claim(import_id)):
        return None if claimed is None else IncidentImport.objects.get(pk=import_id)
    incident_import = IncidentImport.objects.select_related("municipality").get(pk=import_id)
    municipality = incident_import.municipality
    rows = IncidentImport.objects.filter(pk=import_id)
    try:
        # Only the uploader's municipality, and the ids of the source system named; the
        # rejections are read on the upload's page, in its words (`labels`).
        table = read_municipality_csv(
            bytes(incident_import.data),
            CsvMapping.from_json(incident_import.mapping),
            municipality=municipality,
            system=incident_import.system,
            labels=True,
        )
        items = []
        for done, item in enumerate(table.rows(), start=1):
            items.append(item)
            if done % PROGRESS_EVERY == 0:
                rows.update(rows_done=done, progressed=timezone.now())
        # Reading done; the count was an estimate from the lines (a quoted field may span
        # several): now exact, so the page can say the rows are being saved.
        rows.update(rows_done=len(items), total_rows=len(items), progressed=timezone.now())
        # The worker serves no municipality of its own: place the rows in the uploader's.
        with tenancy.serving(municipality.code):
            result = incidents_import(
                incidents=items, all_or_nothing=True, source=incident_import
            )
    except Exception as exc:  # the page must say it failed, whatever the reason
        log.exception("Incident import %s failed", import_id)
        rows.update(
            status=IncidentImport.Status.FAILED,
            error=str(exc)[:2000] if isinstance(exc, ImportFormatError) else UNEXPECTED_ERROR,
            finished=timezone.now(),
            data=b"",
        )
    else:
        rows.update(
            status=IncidentImport.Status.DONE,
            imported=result.imported,
            duplicates=result.duplicates,
            rejected=result.rejected,
            outside=result.outside,
            skipped=result.skipped,
            rejections=result.errors[:MAX_REJECTIONS_SHOWN],
            finished=timezone.now(),
            # The file's free text may name people; what it held is now in the incidents.
            data=b"",
        )
    return IncidentImport.objects.get(pk=import_id)


def _heirs(row: IncidentImport, added) -> dict[IncidentImport, list[int]]:
    """The incidents of `added` that a later import, not undone, had too (`confirmed`), by
    the earliest such import: each keeps its incident when `row` is undone."""
    through = IncidentImport.confirmed.through
    kept = (
        through.objects.filter(incident__in=added, incidentimport__undone__isnull=True)
        .exclude(incidentimport=row)
        .order_by("incidentimport__created", "incidentimport_id")
        .values_list("incident_id", "incidentimport_id")
    )
    first: dict[int, int] = {}
    for incident_id, import_id in kept:
        first.setdefault(incident_id, import_id)
    imports = IncidentImport.objects.in_bulk(set(first.values()))
    heirs: dict[IncidentImport, list[int]] = {}
    for incident_id, import_id in first.items():
        heirs.setdefault(imports[import_id], []).append(incident_id)
    return heirs


@dataclass(frozen=True)
class UndoPreview:
    """What undoing an upload would do now: how many incidents go, and how many stay
    because a later import had them too, by that import."""

    removed: int
    handed_on: list[tuple[IncidentImport, int]]
    # Of those going, how many the police feed has too: that event counts again instead.
    feed_again: int = 0


def incident_import_undo_preview(*, incident_import: IncidentImport) -> UndoPreview:
    """What `incident_import_undo` would do now, for the page that asks first. Reads only."""
    added = Incident.objects.filter(incident_import=incident_import)
    heirs = _heirs(incident_import, added)
    kept = {pk for pks in heirs.values() for pk in pks}
    handed_on = sorted(
        ((heir, len(pks)) for heir, pks in heirs.items()), key=lambda pair: pair[0].created
    )
    twins = set(added.filter(feed_copy__isnull=False).values_list("pk", flat=True))
    return UndoPreview(
        removed=added.count() - len(kept), handed_on=handed_on, feed_again=len(twins - kept)
    )


def incident_import_undo(*, incident_import: IncidentImport, user) -> int:
    """Undo a mistaken upload (`IncidentImport.may_undo`): delete the incidents it added
    that are still there, with their prepared near-repeat alerts (a message already sent
    from one stays in the neighbourhood watch's log, without the link), and record when, by
    whom and how many on the import, which stays in the history. Rows it counted as
    duplicates were other imports' and stay; and an incident it added that a later import
    (not undone) had too stays, handed on to the earliest such import (`confirmed`), which
    then counts it as imported, not as a duplicate. Atomic; a second call (a double submit)
    finds the import undone and removes nothing. Returns how many incidents went.

    Refused while another upload of the municipality is queued or running: it may have
    found the incidents about to go and count them as duplicates, so its own rows would
    be lost with them."""
    with transaction.atomic():
        row = IncidentImport.objects.select_for_update().get(pk=incident_import.pk)
        if not row.may_undo:
            return 0
        if imports_running(municipality_id=row.municipality_id, exclude=row.pk).exists():
            raise ValidationError(
                _(
                    "En annan import pågår. Vänta tills den är klar och ångra sedan: den kan "
                    "räkna händelserna som tas bort som dubbletter, och då sparas de inte."
                ),
                code="busy",
            )
        added = Incident.objects.filter(incident_import=row)
        heirs = _heirs(row, added)
        for heir, pks in heirs.items():
            for start in range(0, len(pks), IN_SLICE):
                part = pks[start : start + IN_SLICE]
                Incident.objects.filter(pk__in=part).update(incident_import=heir)
                heir.confirmed.remove(*part)
            IncidentImport.objects.filter(pk=heir.pk).update(
                imported=F("imported") + len(pks), duplicates=F("duplicates") - len(pks)
            )
        handed_on = sum(len(pks) for pks in heirs.values())
        span = added.aggregate(start=Min("occurred_at"), end=Max("occurred_at"))
        codes = set(added.values_list("municipality_code", flat=True).distinct())
        # The count of incidents alone: delete() counts the alerts that cascade as well.
        _total, by_model = added.delete()
        removed = by_model.get(Incident._meta.label, 0)
        # The feed's events that stood aside for the rows gone count again (SET_NULL), or
        # stand aside for another record of the same event.
        if span["start"] is not None:
            incidents_link_same(codes=codes, start=span["start"], end=span["end"])
        if removed:
            risk_maps_warm_enqueue(codes=codes - {""})
        row.undone, row.undone_by = timezone.now(), user
        row.removed, row.handed_on = removed, handed_on
        row.save(update_fields=["undone", "undone_by", "removed", "handed_on"])
    incident_import.refresh_from_db()
    return removed
