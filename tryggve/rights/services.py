"""A registered person's rights: everything Tryggve holds about one e-mail address or
phone number, as an extract (registerutdrag, GDPR art. 15) and, where the law allows,
erased (art. 17).

What a resident sends the municipality is an allmän handling: the report itself (its
text, place, photos and history) stays, as arkivlagen and the municipality's
gallringsbeslut say (art. 17.3 b), and is disposed of only by those rules. What can go at
the person's request: their sign-up to a neighbourhood watch (deleted at once when they
leave anyway), the copies of mail and text messages sent to them, and, when the
gallringsbeslut allows it ("gallring vid inaktualitet"), the contact details in their
reports, which otherwise go `CONTACT_RETENTION_MONTHS` after the case closes.

Surveys are answered anonymously: nothing in them leads to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib import tenancy
from tryggve.lib.models import OutgoingMail
from tryggve.reports.models import Report, ReportEvent
from tryggve.reports.selectors import reports_here
from tryggve.watch.models import Household, normalise_email, normalise_phone
from tryggve.watch.selectors import households_here
from tryggve.watch.services import household_erase

# A number shorter than this is not searched for in free text (it would match anything).
MIN_PHONE_DIGITS = 6


@dataclass
class PersonData:
    """What was found for one e-mail address and/or phone number, in the municipality
    served now."""

    email: str
    phone: str
    reports: list[Report] = field(default_factory=list)
    mentions: list[Report] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    messages: list[OutgoingMail] = field(default_factory=list)
    reads: list[AccessLog] = field(default_factory=list)

    @property
    def found_anything(self) -> bool:
        return bool(self.reports or self.mentions or self.households or self.messages)

    def summary(self) -> str:
        """What was found, for the access log: counts and references, never the address."""
        refs = ", ".join(r.reference for r in [*self.reports, *self.mentions])
        return (
            f"{len(self.reports)} ärenden med kontaktuppgifter, {len(self.mentions)} där "
            f"uppgiften nämns, {len(self.households)} hushåll, {len(self.messages)} utskick"
            + (f" ({refs})" if refs else "")
        )


def _here() -> Q:
    """Rows (outbox, access log) of the municipality served now, by their code; a blank code
    is the default municipality's (rows from before the code was kept)."""
    code = tenancy.current_code()
    match = Q(municipality_code=code)
    if code == settings.MUNICIPALITY_CODE:
        match |= Q(municipality_code="")
    return match


def _same_phone(stored: str, wanted: str) -> bool:
    return bool(stored) and normalise_phone(stored) == wanted


def person_data_find(*, email: str = "", phone: str = "") -> PersonData:
    """Everything held about `email` and/or `phone` (either may be empty, not both)."""
    email = normalise_email(email) if email else ""
    phone = normalise_phone(phone) if phone else ""
    found = PersonData(email=email, phone=phone)
    if not email and not phone:
        return found
    reports = reports_here().select_related("category")
    contact = Q(pk__in=[])
    if email:
        contact |= Q(contact_email__iexact=email)
    matching = list(reports.filter(contact).order_by("created"))
    if phone:
        # Stored as the resident typed it ("070-123 45 67"): compared in one form.
        seen = {r.pk for r in matching}
        matching += [
            r
            for r in reports.exclude(contact_phone="").exclude(pk__in=seen).order_by("created")
            if _same_phone(r.contact_phone, phone)
        ]
    found.reports = matching
    # Free text that names the address or the number written in one piece (a resident
    # writing about someone else, or about themselves in another case): shown for staff to
    # judge, never changed here.
    words = [w for w in (email, phone) if w]
    if phone and phone.startswith("+46"):
        words.append("0" + phone[3:])
    words = [w for w in words if len(w) >= MIN_PHONE_DIGITS]
    text = Q(pk__in=[])
    for word in words:
        text |= (
            Q(description__icontains=word)
            | Q(place_description__icontains=word)
            | Q(events__text__icontains=word)
        )
    found.mentions = list(
        reports.filter(text).exclude(pk__in=[r.pk for r in matching]).distinct()
    )
    households = households_here().select_related("area")
    who = Q(pk__in=[])
    if email:
        who |= Q(email__iexact=email)
    if phone:
        who |= Q(phone=phone)
    found.households = list(households.filter(who).order_by("created"))
    to = Q(pk__in=[])
    if email:
        to |= Q(to__iexact=email)
    if phone:
        to |= Q(to=phone)
    found.messages = list(OutgoingMail.objects.filter(to, _here()).order_by("created"))
    refs = [r.reference for r in found.reports]
    if refs:
        read = Q(pk__in=[])
        for ref in refs:
            read |= Q(subject__startswith=ref)
        found.reads = list(AccessLog.objects.filter(read, _here()).select_related("actor"))
    return found


def _local(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def person_data_document(found: PersonData) -> dict:
    """The extract as plain data (for the JSON file the person is sent)."""
    return {
        "sökt": {"e-post": found.email, "telefon": found.phone},
        "framställt": _local(timezone.now()),
        "rapporter": [
            {
                "diarienummer": r.reference,
                "inkom": _local(r.created),
                "kategori": r.category.name_sv,
                "status": r.get_status_display(),
                "plats": r.place_description,
                "latitud": r.lat,
                "longitud": r.lon,
                "beskrivning": r.description,
                "publicerad": r.published,
                "publicerad text": r.public_text if r.published else "",
                "namn": r.contact_name,
                "e-post": r.contact_email,
                "telefon": r.contact_phone,
                "bilder": r.photos.count(),
                "historik": [
                    {"tid": _local(e.created), "händelse": e.get_kind_display(), "text": e.text}
                    for e in r.events.exclude(audience="internal")
                ],
            }
            for r in found.reports
        ],
        "rapporter där uppgiften nämns": [r.reference for r in found.mentions],
        "grannsamverkan": [
            {
                "område": h.area.name,
                "adress": str(h),
                "namn": h.name,
                "e-post": h.email,
                "telefon": h.phone,
                "kontaktombud": h.get_contact_role_display(),
                "delar kontaktuppgifter med kontaktombudet": h.share_contact,
                "anmäld": _local(h.created),
                "bekräftad": _local(h.confirmed),
            }
            for h in found.households
        ],
        "utskick": [
            {
                "tid": _local(m.created),
                "kanal": m.get_channel_display(),
                "till": m.to,
                "ämne": m.subject,
                "status": m.get_status_display(),
            }
            for m in found.messages
        ],
        # Who read the cases, by kind of reader: the staff member's name is their own
        # personal data, kept in the log for the municipality's own follow-up.
        "vem som läst ärendena": [
            {
                "tid": _local(a.created),
                "vem": "kommunens personal" if a.actor_id else "ansvarig enhet via länk",
                "åtgärd": a.get_action_display(),
                "varför": a.get_purpose_display(),
            }
            for a in found.reads
        ],
    }


def person_data_erase(*, found: PersonData, actor, reports_too: bool) -> dict[str, int]:
    """Erase at the person's request what the law lets go now: their watch sign-ups and
    the messages sent to them; with `reports_too` (the gallringsbeslut allows it) the
    contact details in their reports. The reports themselves stay (allmän handling)."""
    counts = {"households": 0, "messages": 0, "reports": 0}
    with transaction.atomic():
        for household in found.households:
            household_erase(household=household, actor=actor)
            counts["households"] += 1
        ids = [m.pk for m in found.messages]
        counts["messages"] = OutgoingMail.objects.filter(pk__in=ids).delete()[1].get(
            OutgoingMail._meta.label, 0
        )
        if reports_too:
            for report in Report.objects.select_for_update().filter(
                pk__in=[r.pk for r in found.reports]
            ):
                report.contact_name = report.contact_email = report.contact_phone = ""
                report.save(update_fields=["contact_name", "contact_email", "contact_phone"])
                ReportEvent.objects.create(
                    report=report,
                    kind=ReportEvent.Kind.NOTE,
                    text="Kontaktuppgifter raderade på den registrerades begäran.",
                    actor=actor,
                )
                counts["reports"] += 1
        access_log_record(
            actor=actor,
            action=AccessLog.Action.ERASE,
            purpose=AccessLog.Purpose.RIGHTS,
            subject=(
                f"radering: {counts['households']} hushåll, {counts['messages']} utskick, "
                f"kontaktuppgifter i {counts['reports']} ärenden"
                + (f" ({', '.join(r.reference for r in found.reports)})" if reports_too else "")
            ),
        )
    return counts
