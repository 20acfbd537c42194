"""Neighbourhood watch: offering areas, households joining, contact persons, messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from tryggve.analytics.models import NearRepeatAlert
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import home_municipality
from tryggve.lib.links import absolute_url
from tryggve.lib.mail import mail_queue, sms_queue
from tryggve.lib.tokens import hash_token
from tryggve.lib.tokens import new_token as new_tracking_token
from tryggve.watch.models import (
    AreaEvent,
    ContactRole,
    Delivery,
    Household,
    StartMeeting,
    WatchArea,
    WatchMessage,
    WatchState,
)

UNCONFIRMED_DAYS = 7

# What staff may do by hand; ready and gathering also follow from the sign-ups themselves.
MANUAL_TRANSITIONS = {
    WatchState.OFFERED: {WatchState.GATHERING, WatchState.ENDED},
    WatchState.GATHERING: {WatchState.PAUSED, WatchState.ENDED},
    WatchState.READY: {WatchState.ACTIVE, WatchState.PAUSED, WatchState.ENDED},
    WatchState.ACTIVE: {WatchState.PAUSED, WatchState.ENDED},
    WatchState.PAUSED: {WatchState.GATHERING, WatchState.ACTIVE, WatchState.ENDED},
    WatchState.ENDED: set(),
}


class WatchError(ValueError):
    """An action that is not allowed; the message is for the person who tried it."""


def normalise_address(street: str, number: str) -> str:
    return f"{' '.join(street.lower().split())} {''.join(number.lower().split())}"


def _event(area: WatchArea, kind: str, actor=None, text: str = "", from_value="", to_value=""):
    return AreaEvent.objects.create(
        area=area,
        kind=kind,
        actor=actor,
        text=text,
        from_value=str(from_value),
        to_value=str(to_value),
    )


# Paths under /grannsamverkan/ that an area's slug must not take.
RESERVED_SLUGS = {"bekrafta", "mitt-hushall", "meddelanden", "siffror"}


def _unique_slug(name: str) -> str:
    base = slugify(name.replace("å", "a").replace("ä", "a").replace("ö", "o"))[:90] or "omrade"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or WatchArea.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def watch_area_offer(
    *,
    name: str,
    households: int,
    streets: str,
    actor,
    residential_area: ResidentialArea | None = None,
    geometry: BaseGeometry | None = None,
) -> WatchArea:
    """Offer neighbourhood watch to a residential area, or to an area drawn for it."""
    if residential_area is None and geometry is None:
        raise WatchError(_("Välj ett bostadsområde eller ange en egen gräns."))
    if households < 1:
        raise WatchError(_("Området måste ha minst ett hushåll."))
    municipality = home_municipality()
    area = WatchArea(
        name=name.strip(),
        slug=_unique_slug(name),
        residential_area=residential_area,
        households=households,
        streets=streets.strip(),
        threshold_percent=municipality.watch_threshold_percent if municipality else 70,
    )
    area.set_geometry(geometry if geometry is not None else residential_area.shape)
    with transaction.atomic():
        area.save()
        _event(area, AreaEvent.Kind.STATE, actor, to_value=WatchState.OFFERED)
    return area


def with_progress_counts(queryset):
    """Areas with their confirmed households and contact persons counted in the same query,
    so that a list of areas costs one query however many areas there are."""
    return queryset.annotate(
        n_confirmed=Count("households_set", filter=Q(households_set__confirmed__isnull=False)),
        n_contacts=Count(
            "households_set",
            filter=Q(
                households_set__confirmed__isnull=False,
                households_set__contact_role__in=[ContactRole.APPROVED, ContactRole.LEAD],
            ),
        ),
    )


def watch_area_progress(area: WatchArea) -> dict:
    """Confirmed households against the threshold, and contact persons against the need."""
    if hasattr(area, "n_confirmed"):  # counted by with_progress_counts
        counts = {"n_confirmed": area.n_confirmed, "n_contacts": area.n_contacts}
    else:
        counts = area.households_set.aggregate(
            n_confirmed=Count("pk", filter=Q(confirmed__isnull=False)),
            n_contacts=Count(
                "pk",
                filter=Q(
                    confirmed__isnull=False,
                    contact_role__in=[ContactRole.APPROVED, ContactRole.LEAD],
                ),
            ),
        )
    counts = {"confirmed": counts["n_confirmed"], "contacts": counts["n_contacts"]}
    required = area.required_households
    return {
        "confirmed": counts["confirmed"],
        "required": required,
        "missing": max(0, required - counts["confirmed"]),
        "contacts": counts["contacts"],
        "contacts_missing": max(0, area.contact_persons_needed - counts["contacts"]),
        "reached": counts["confirmed"] >= required,
        "percent": round(100 * counts["confirmed"] / area.households) if area.households else 0,
    }


def watch_area_evaluate(*, area: WatchArea, actor=None) -> WatchArea:
    """Move an area between offered, gathering and ready as its sign-ups now stand.

    Ready needs the threshold (rounded up) and at least one approved contact person. An
    active, paused or ended area is left alone: once started, a group is not stopped by a
    household moving away.
    """
    with transaction.atomic():
        # Lock the row and read its state afresh: the caller's copy may be stale (a household's
        # cached area), and two confirmations at once must not both decide from old counts.
        WatchArea.objects.select_for_update().filter(pk=area.pk).first()
        area.refresh_from_db(fields=["state", "households", "threshold_percent"])
        return _evaluate_locked(area, actor)


def _evaluate_locked(area: WatchArea, actor) -> WatchArea:
    if area.state not in (WatchState.OFFERED, WatchState.GATHERING, WatchState.READY):
        return area
    progress = watch_area_progress(area)
    if progress["reached"] and progress["contacts"] >= 1:
        new = WatchState.READY
    elif progress["confirmed"] or area.state != WatchState.OFFERED:
        new = WatchState.GATHERING
    else:
        new = WatchState.OFFERED
    if new != area.state:
        old = area.state
        area.state = new
        area.save(update_fields=["state"])
        _event(
            area,
            AreaEvent.Kind.STATE,
            actor,
            from_value=old,
            to_value=new,
            text=_("%(confirmed)s av %(households)s hushåll, %(contacts)s kontaktombud")
            % {
                "confirmed": progress["confirmed"],
                "households": area.households,
                "contacts": progress["contacts"],
            },
        )
    return area


def watch_area_change_state(*, area: WatchArea, to_state: str, actor, note: str = "") -> WatchArea:
    """A state change staff make: start (after the start-up meeting), pause, resume, end."""
    with transaction.atomic():
        area = WatchArea.objects.select_for_update().get(pk=area.pk)
        if to_state not in MANUAL_TRANSITIONS.get(area.state, set()):
            raise WatchError(
                _("Ett område som är %(from)s kan inte bli %(to)s.")
                % {
                    "from": WatchState(area.state).label.lower(),
                    "to": WatchState(to_state).label.lower(),
                }
            )
        if to_state == WatchState.ACTIVE and area.started is None:
            # Resuming a paused group is fine; a first start needs the threshold and the meeting
            # (a paused area that never started goes back to gathering first).
            if area.state != WatchState.READY:
                raise WatchError(
                    _("Området kan starta först när tillräckligt många hushåll är med.")
                )
            if not area.meetings.filter(held=True).exists():
                raise WatchError(
                    _("Håll startmötet och notera vilka som kom innan området startar.")
                )
        old = area.state
        area.state = to_state
        if to_state == WatchState.ACTIVE and area.started is None:
            area.started = timezone.now()
        area.save(update_fields=["state", "started"])
        _event(area, AreaEvent.Kind.STATE, actor, note.strip(), old, to_state)
        if to_state == WatchState.GATHERING:
            watch_area_evaluate(area=area, actor=actor)
    return area


def watch_area_set_households(*, area: WatchArea, households: int, reason: str, actor):
    """Correct the number of households in the area; the reason is kept in the history."""
    if households < 1:
        raise WatchError(_("Området måste ha minst ett hushåll."))
    if not reason.strip():
        raise WatchError(_("Skriv varför antalet ändras."))
    with transaction.atomic():
        area = WatchArea.objects.select_for_update().get(pk=area.pk)
        old = area.households
        area.households = households
        area.save(update_fields=["households"])
        _event(area, AreaEvent.Kind.HOUSEHOLDS, actor, reason.strip(), old, households)
        watch_area_evaluate(area=area, actor=actor)
    return area


def _send(*, email: str, phone: str, subject: str, body: str):
    if email:
        return mail_queue(to=email, subject=subject, body=body), "email"
    return sms_queue(to=phone, body=f"{subject}\n{body}"), "sms"


def household_sign_up(
    *,
    area: WatchArea,
    street: str,
    number: str,
    name: str,
    email: str = "",
    phone: str = "",
    residents: int = 1,
    volunteer: bool = False,
) -> Household:
    """Register a household and send a confirmation link (double opt-in).

    A household counts only once confirmed. A second sign-up from the same address waits for
    its own confirmation and then replaces the first, so nobody can take over another
    household's sign-up without its e-mail or phone.
    """
    if area.state not in (
        WatchState.OFFERED,
        WatchState.GATHERING,
        WatchState.READY,
        WatchState.ACTIVE,
    ):
        raise WatchError(_("Området tar inte emot anmälningar just nu."))
    streets = {s.lower(): s for s in area.street_list}
    if " ".join(street.lower().split()) not in streets:
        raise WatchError(_("Adressen ligger inte i området."))
    if not email and not phone:
        raise WatchError(_("Ange e-post eller telefon, så att vi kan bekräfta anmälan."))
    key = normalise_address(street, number)
    token = new_tracking_token()
    with transaction.atomic():
        # The same person sending the form again updates their own unconfirmed sign-up.
        household = Household.objects.filter(
            area=area, address_key=key, confirmed__isnull=True, email=email, phone=phone
        ).first() or Household(
            area=area, address_key=key, manage_token_hash=hash_token(new_tracking_token())
        )
        household.street = streets[" ".join(street.lower().split())]
        household.number = number.strip()
        household.name, household.email, household.phone = name.strip(), email, phone
        household.residents = residents
        household.contact_role = ContactRole.VOLUNTEERED if volunteer else ContactRole.NONE
        household.confirm_token_hash = hash_token(token)
        household.save()
        _send(
            email=email,
            phone=phone,
            subject=_("Bekräfta er anmälan till grannsamverkan i %(area)s") % {"area": area.name},
            body=render_to_string(
                "watch/mail/confirm.txt",
                {
                    "household": household,
                    "area": area,
                    "url": absolute_url("watch:confirm", args=[token]),
                },
            ),
        )
    return household


def household_confirm(*, token: str) -> Household | None:
    """Confirm a sign-up; it then replaces any earlier one from the same address."""
    with transaction.atomic():
        household = (
            Household.objects.select_for_update()
            .filter(confirm_token_hash=hash_token(token))
            .select_related("area")
            .first()
        )
        if household is None:
            return None
        if household.confirmed is None and household.created < timezone.now() - timedelta(
            days=UNCONFIRMED_DAYS
        ):
            raise WatchError(_("Länken har gått ut. Anmäl ert hushåll igen, så får ni en ny."))
        if household.confirmed is None:
            Household.objects.filter(
                area=household.area, address_key=household.address_key
            ).exclude(pk=household.pk).delete()
            manage = new_tracking_token()
            household.confirmed = timezone.now()
            household.manage_token_hash = hash_token(manage)
            household.save(update_fields=["confirmed", "manage_token_hash"])
            _send(
                email=household.email,
                phone=household.phone,
                subject=_("Välkommen till grannsamverkan i %(area)s")
                % {"area": household.area.name},
                body=render_to_string(
                    "watch/mail/welcome.txt",
                    {
                        "household": household,
                        "area": household.area,
                        "url": absolute_url("watch:my_household", args=[manage]),
                    },
                ),
            )
            watch_area_evaluate(area=household.area)
    return household


def household_leave(*, household: Household) -> None:
    """A household leaves: its data is deleted at once, not kept."""
    with transaction.atomic():
        area = household.area
        was_contact = household.is_contact_person
        household.delete()
        if was_contact:
            _event(area, AreaEvent.Kind.CONTACT, text=_("Ett kontaktombud lämnade."))
        watch_area_evaluate(area=area)


def contact_person_set(*, household: Household, role: str, actor) -> Household:
    """Approve, appoint as lead, or remove a contact person."""
    if role not in ContactRole.values:
        raise WatchError(_("Okänd roll."))
    if role and household.confirmed is None:
        raise WatchError(_("Hushållet har inte bekräftat sin anmälan än."))
    with transaction.atomic():
        old = household.contact_role
        household.contact_role = role
        household.save(update_fields=["contact_role"])
        _event(
            household.area,
            AreaEvent.Kind.CONTACT,
            actor,
            str(household),
            ContactRole(old).label if old else "",
            ContactRole(role).label if role else "",
        )
        watch_area_evaluate(area=household.area, actor=actor)
    return household


def meeting_schedule(
    *,
    area: WatchArea,
    when: datetime,
    place: str,
    police_staff: str = "",
    municipal_staff: str = "",
    actor,
) -> StartMeeting:
    """Plan the start-up meeting where contact persons are appointed and trained."""
    with transaction.atomic():
        meeting = StartMeeting.objects.create(
            area=area,
            when=when,
            place=place.strip(),
            police_staff=police_staff.strip(),
            municipal_staff=municipal_staff.strip(),
        )
        _event(
            area,
            AreaEvent.Kind.MEETING,
            actor,
            f"{timezone.localtime(when):%Y-%m-%d %H:%M} {place.strip()}",
        )
    return meeting


def meeting_record(*, meeting: StartMeeting, attended: Sequence[Household], actor):
    """Note who came; the meeting is then held and the area may start."""
    with transaction.atomic():
        meeting.attended.set([h for h in attended if h.area_id == meeting.area_id])
        meeting.held = True
        meeting.save(update_fields=["held"])
        _event(
            meeting.area,
            AreaEvent.Kind.MEETING,
            actor,
            _("Genomfört, %(n)s hushåll kom.") % {"n": meeting.attended.count()},
        )
    return meeting


def watch_area_signs(*, area: WatchArea, ordered=None, up=None, actor) -> WatchArea:
    """Record that the signs were ordered, and that they are up."""
    with transaction.atomic():
        if ordered:
            area.signs_ordered = ordered
            _event(area, AreaEvent.Kind.SIGNS, actor, _("Beställda %(d)s") % {"d": ordered})
        if up:
            area.signs_up = up
            _event(area, AreaEvent.Kind.SIGNS, actor, _("Uppsatta %(d)s") % {"d": up})
        area.save(update_fields=["signs_ordered", "signs_up"])
    return area


def alert_text(alert: NearRepeatAlert) -> tuple[str, str]:
    """A ready message for contact persons after a burglary in or near their area."""
    when = timezone.localtime(alert.incident.occurred_at)
    subject = _("Inbrott nära %(area)s") % {"area": alert.area.name}
    where = (
        _("i ert område")
        if alert.distance_m < 1
        else _("ungefär %(m)s meter från ert område") % {"m": int(round(alert.distance_m, -1))}
    )
    body = _(
        "Polisen informerar: ett bostadsinbrott skedde %(when)s %(where)s. Risken för nya "
        "inbrott i närheten är förhöjd de närmaste veckorna. Var uppmärksamma på okända "
        "personer och fordon, lås dörrar och fönster, och ring 112 om ett brott pågår eller "
        "114 14 för att lämna tips."
    ) % {"when": when.strftime("%Y-%m-%d %H:%M"), "where": where}
    return subject, body


def message_send(
    *,
    sender,
    subject: str,
    body: str,
    area: WatchArea | None = None,
    alert: NearRepeatAlert | None = None,
) -> WatchMessage:
    """Send a message to the contact persons of one area, or of every active area.

    Each recipient gets an outbox row (mail, or SMS when only a phone is known) and a
    delivery record, all in one transaction: a mail server that is down delays the message
    and never loses it.
    """
    if not subject.strip() or not body.strip():
        raise WatchError(_("Skriv både rubrik och text."))
    areas = [area] if area is not None else list(WatchArea.objects.active())
    with transaction.atomic():
        message = WatchMessage.objects.create(
            area=area, alert=alert, subject=subject.strip(), body=body.strip(), sender=sender
        )
        for target in areas:
            for household in Household.objects.contact_persons().filter(area=target):
                outgoing, channel = _send(
                    email=household.email,
                    phone=household.phone,
                    subject=message.subject,
                    body=render_to_string(
                        "watch/mail/message.txt",
                        {"message": message, "area": target, "household": household},
                    ),
                )
                Delivery.objects.create(
                    message=message,
                    household=household,
                    area=target,
                    outgoing=outgoing,
                    channel=channel,
                )
    return message


def watch_retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Delete unconfirmed sign-ups after a week, and sign-ups in areas that never started."""
    now = now or timezone.now()
    months = settings.WATCH_SIGNUP_RETENTION_MONTHS
    unconfirmed = Household.objects.filter(
        confirmed__isnull=True, created__lt=now - timedelta(days=UNCONFIRMED_DAYS)
    )
    never_started = Household.objects.filter(
        area__started__isnull=True,
        area__offered__lt=now - timedelta(days=round(months * 365.25 / 12)),
    )
    result = {"unconfirmed": unconfirmed.count(), "never_started": never_started.count()}
    if not dry_run:
        with transaction.atomic():
            unconfirmed.delete()
            never_started.delete()
    return result
