"""Neighbourhood watch: offering areas, households joining, contact persons, messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from tryggve.analytics.models import NearRepeatAlert
from tryggve.areas.models import ResidentialArea
from tryggve.areas.selectors import home_municipality
from tryggve.areas.serving import serving_for
from tryggve.lib.links import absolute_url
from tryggve.lib.mail import mail_queue, sms_queue
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tokens import hash_token
from tryggve.lib.tokens import new_token as new_tracking_token
from tryggve.lib.validators import one_line
from tryggve.watch.models import (
    ACCEPTING_STATES,
    CONTACT_PERSON_ROLES,
    GATHERING_STATES,
    AreaEvent,
    ContactRole,
    Delivery,
    Household,
    StartMeeting,
    WatchArea,
    WatchMessage,
    WatchState,
    flag_bursts,
    normalise_email,
    normalise_phone,
)
from tryggve.watch.selectors import watch_areas_here

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
RESERVED_SLUGS = {"bekrafta", "mitt-hushall", "overlamna", "meddelanden", "siffror"}


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
    # The residential area's municipality; an area drawn anew belongs to the one served.
    if residential_area is not None:
        municipality = residential_area.municipality
    else:
        municipality = home_municipality()
    area = WatchArea(
        name=name.strip(),
        slug=_unique_slug(name),
        municipality=municipality,
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


def watch_area_evaluate(*, area: WatchArea, actor=None) -> WatchArea:
    """Move an area between offered, gathering and ready as its sign-ups now stand.

    Ready needs the threshold (rounded up) among households staff have reviewed
    (`watch_area_review`) and at least one approved contact person: one client inventing
    households must not be able to make an area ready. An active, paused or ended area is
    left alone: once started, a group is not stopped by a household moving away.
    """
    with transaction.atomic():
        # Lock the row and read its state afresh: the caller's copy may be stale (a household's
        # cached area), and two confirmations at once must not both decide from old counts.
        WatchArea.objects.select_for_update().filter(pk=area.pk).first()
        area.refresh_from_db(fields=["state", "households", "threshold_percent"])
        return _evaluate_locked(area, actor)


def _evaluate_locked(area: WatchArea, actor) -> WatchArea:
    if area.state not in GATHERING_STATES:
        return area
    progress = WatchArea.objects.with_progress().get(pk=area.pk).progress
    if progress["reached"] and progress["reviewed_reached"] and progress["contacts"] >= 1:
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
        first_start = to_state == WatchState.ACTIVE and area.started is None
        area.state = to_state
        if first_start:
            area.started = timezone.now()
        area.save(update_fields=["state", "started"])
        _event(area, AreaEvent.Kind.STATE, actor, note.strip(), old, to_state)
        if first_start:
            for household in area.households_set.confirmed():
                _send_to(
                    household,
                    subject=_("Grannsamverkan i %(area)s har startat") % {"area": area.name},
                    template="watch/mail/started.txt",
                    context={"area": area},
                )
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
    # Subjects carry stored names; one saved with a line break before validation existed
    # must not make every later mail (and the page sending it) fail.
    subject = one_line(subject)
    if email:
        return mail_queue(to=email, subject=subject, body=body), OutgoingMail.Channel.EMAIL
    return sms_queue(to=phone, body=f"{subject}\n{body}"), OutgoingMail.Channel.SMS


def _speaking_for(area: WatchArea):
    """Messages about `area` come from its municipality (the mail's sender, the SMS's
    sender name) and link to that municipality's own site, whoever writes them: a staff
    page served for another municipality, or a resident's request on the area's own site
    (which keeps its host or prefix)."""
    return serving_for(area.municipality_code)


def _send_to(
    household: Household,
    *,
    subject: str,
    template: str,
    context: dict,
    link: tuple[str, str] | None = None,
):
    """A message to one household through the outbox, sent after the transaction commits.

    `link` is a view name and its token: the message's `url`, on the site of the
    household's municipality (a token works only there, see `selectors.households_here`)."""
    with _speaking_for(household.area):
        if link is not None:
            viewname, token = link
            context = {**context, "url": absolute_url(viewname, kwargs={"token": token})}
        return _send(
            email=household.email,
            phone=household.phone,
            subject=subject,
            body=render_to_string(template, {"household": household, **context}),
        )


def household_sign_up(
    *,
    area: WatchArea,
    street: str,
    number: str,
    name: str,
    email: str = "",
    phone: str = "",
    volunteer: bool = False,
    share_contact: bool = False,
) -> Household:
    """Register a household and send a confirmation link (double opt-in).

    A household counts only once confirmed. E-mail and phone are stored normalised, so one
    mailbox or number written two ways is still one (it confirms at most one household).
    """
    if area.state not in ACCEPTING_STATES:
        raise WatchError(_("Området tar inte emot anmälningar just nu."))
    streets = {s.lower(): s for s in area.street_list}
    if " ".join(street.lower().split()) not in streets:
        raise WatchError(_("Adressen ligger inte i området."))
    if problem := area.house_number_problem(street, number):
        raise WatchError(problem)
    email, phone = normalise_email(email), normalise_phone(phone)
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
        household.number = " ".join(number.split())
        household.name, household.email, household.phone = name.strip(), email, phone
        household.share_contact = share_contact
        household.contact_role = ContactRole.VOLUNTEERED if volunteer else ContactRole.NONE
        household.confirm_token_hash = hash_token(token)
        household.save()
        _send_to(
            household,
            subject=_("Bekräfta er anmälan till grannsamverkan i %(area)s") % {"area": area.name},
            template="watch/mail/confirm.txt",
            context={"area": area},
            link=("watch:confirm", token),
        )
    return household


def _confirm_now(household: Household) -> Household:
    """Make a sign-up count: confirmed, a personal page link sent, the area re-evaluated."""
    manage = new_tracking_token()
    household.confirmed = timezone.now()
    household.awaiting_handover = None
    household.handover_token_hash = ""
    household.manage_token_hash = hash_token(manage)
    household.save(
        update_fields=["confirmed", "awaiting_handover", "handover_token_hash", "manage_token_hash"]
    )
    _send_to(
        household,
        subject=_("Välkommen till grannsamverkan i %(area)s") % {"area": household.area.name},
        template="watch/mail/welcome.txt",
        context={"area": household.area},
        link=("watch:my_household", manage),
    )
    watch_area_evaluate(area=household.area)
    return household


def _remove(household: Household, *, actor=None, text: str = "") -> None:
    area = household.area
    was_contact = household.is_contact_person
    household.delete()
    if was_contact:
        _event(area, AreaEvent.Kind.CONTACT, actor, text or _("Ett kontaktombud lämnade."))
    elif text:
        _event(area, AreaEvent.Kind.HOUSEHOLD, actor, text)


def household_confirm(*, token: str) -> Household | None:
    """Confirm a sign-up from the link in its own mail or SMS.

    A confirmed household is never replaced by someone else's confirmation: when the address
    already has one, the new sign-up waits (`awaiting_handover`) and the existing household
    gets a link to let it in (`household_handover`); staff may also replace it. The notice
    carries no text chosen by the new sign-up's sender.
    """
    with transaction.atomic():
        household = (
            Household.objects.select_for_update()
            .filter(confirm_token_hash=hash_token(token))
            .select_related("area")
            .first()
        )
        if household is None:
            return None
        if household.confirmed or household.is_waiting:
            return household
        if household.confirm_expired(days=UNCONFIRMED_DAYS):
            raise WatchError(_("Länken har gått ut. Anmäl ert hushåll igen, så får ni en ny."))
        existing = (
            Household.objects.select_for_update()
            .confirmed()
            .filter(area=household.area, address_key=household.address_key)
            .first()
        )
        # Only the channel this sign-up proved (the link went there) counts: knowing another
        # household's phone number proves nothing, so it cannot stand in for that household.
        same_contact = Household.objects.sharing_contact(**household.proven_contact)
        if existing and same_contact.filter(pk=existing.pk).exists():
            # The household at the address signing up again from its own mailbox: it agrees.
            existing.delete()
            existing = None
        if same_contact.exists():
            raise WatchError(
                _(
                    "Det ni bekräftade anmälan med är redan med i grannsamverkan för ett annat "
                    "hushåll. Ett hushåll i taget kan anmälas med samma uppgifter."
                )
            )
        if existing is None:
            return _confirm_now(household)
        handover = new_tracking_token()
        household.awaiting_handover = timezone.now()
        household.handover_token_hash = hash_token(handover)
        household.save(update_fields=["awaiting_handover", "handover_token_hash"])
        _send_to(
            existing,
            subject=_("Ny anmälan för er adress i grannsamverkan"),
            template="watch/mail/handover.txt",
            context={"area": household.area, "address": str(existing)},
            link=("watch:handover", handover),
        )
        _event(
            household.area,
            AreaEvent.Kind.HOUSEHOLD,
            text=_("Ny anmälan för %(address)s väntar på hushållet som redan är med.")
            % {"address": str(existing)},
        )
    return household


def household_by_handover_token(token: str) -> Household | None:
    """The sign-up waiting for the household at its address, if the link is still valid."""
    household = (
        Household.objects.select_related("area")
        .filter(handover_token_hash=hash_token(token), confirmed__isnull=True)
        .exclude(handover_token_hash="")
        .first()
    )
    if household is None or household.awaiting_handover < timezone.now() - timedelta(
        days=UNCONFIRMED_DAYS
    ):
        return None
    return household


def household_handover(*, token: str, agree: bool) -> Household | None:
    """The confirmed household at an address answers a new sign-up there: agree (it is
    removed, the new one confirmed) or refuse (the new sign-up is deleted)."""
    with transaction.atomic():
        waiting = household_by_handover_token(token)
        if waiting is None:
            return None
        waiting = Household.objects.select_for_update().select_related("area").get(pk=waiting.pk)
        if not agree:
            waiting.delete()
            return None
        for old in (
            Household.objects.select_for_update()
            .confirmed()
            .filter(area=waiting.area, address_key=waiting.address_key)
        ):
            _remove(old, text=_("%(address)s lämnade plats åt en ny anmälan.") % {"address": old})
        return _confirm_now(waiting)


def household_replace(*, household: Household, actor) -> Household:
    """Staff let a waiting sign-up replace the confirmed household at its address."""
    with transaction.atomic():
        household = (
            Household.objects.select_for_update().select_related("area").get(pk=household.pk)
        )
        if not household.is_waiting:
            raise WatchError(_("Hushållet väntar inte på att ersätta någon."))
        if Household.objects.sharing_contact(**household.proven_contact).exists():
            raise WatchError(_("Kontaktuppgifterna är redan med för ett annat hushåll."))
        for old in (
            Household.objects.select_for_update()
            .confirmed()
            .filter(area=household.area, address_key=household.address_key)
        ):
            _remove(
                old, actor=actor, text=_("Ersatt av en ny anmälan: %(address)s") % {"address": old}
            )
        return _confirm_now(household)


def household_remove(*, household: Household, actor) -> None:
    """Staff remove a sign-up (made up, moved away); the history keeps the address only."""
    with transaction.atomic():
        _remove(
            household,
            actor=actor,
            text=_("Borttaget av personal: %(address)s") % {"address": household},
        )
        watch_area_evaluate(area=household.area, actor=actor)


def household_erase(*, household: Household, actor) -> None:
    """Staff erase a household at its own request (the right to erasure): as leaving, and
    the area's history says only that a household was removed, not its address."""
    with transaction.atomic():
        area = household.area
        _remove(household, actor=actor, text=_("Ett hushåll togs bort på egen begäran."))
        watch_area_evaluate(area=area, actor=actor)


def household_leave(*, household: Household) -> None:
    """A household leaves: its data is deleted at once, not kept."""
    with transaction.atomic():
        area = household.area
        _remove(household)
        watch_area_evaluate(area=area)


def household_set_share_contact(*, household: Household, share: bool) -> Household:
    """The household's own choice whether its contact person sees e-mail and phone."""
    household.share_contact = share
    household.save(update_fields=["share_contact"])
    return household


def household_assign(*, households: Sequence[Household], contact: Household | None, actor) -> int:
    """Make `contact` (an approved contact person of the same area) responsible for these
    households, or none. Returns how many were changed."""
    if contact is not None and not contact.is_contact_person:
        raise WatchError(_("Välj ett godkänt kontaktombud."))
    with transaction.atomic():
        changed = [
            h
            for h in households
            if h.confirmed and (contact is None or h.area_id == contact.area_id)
        ]
        Household.objects.filter(pk__in=[h.pk for h in changed]).update(responsible=contact)
        if changed:
            _event(
                changed[0].area,
                AreaEvent.Kind.CONTACT,
                actor,
                _("%(n)s hushåll till %(contact)s")
                % {"n": len(changed), "contact": contact or _("inget kontaktombud")},
            )
    return len(changed)


def watch_area_review(*, area: WatchArea, actor) -> WatchArea:
    """Staff have looked through the sign-up list (and removed what looked made up): the
    households confirmed until now count towards "ready"."""
    with transaction.atomic():
        area = WatchArea.objects.select_for_update().get(pk=area.pk)
        area.signups_reviewed = timezone.now()
        area.save(update_fields=["signups_reviewed"])
        households = list(area.households_set.all())
        confirmed = [h for h in households if h.confirmed]
        _event(
            area,
            AreaEvent.Kind.REVIEW,
            actor,
            _("%(n)s bekräftade hushåll granskade, %(flagged)s flaggade.")
            % {"n": len(confirmed), "flagged": len(flag_bursts(households))},
        )
        watch_area_evaluate(area=area, actor=actor)
    return area


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
        if role in CONTACT_PERSON_ROLES and old not in CONTACT_PERSON_ROLES:
            _send_to(
                household,
                subject=_("Ni är kontaktombud i grannsamverkan %(area)s")
                % {"area": household.area.name},
                template="watch/mail/appointed.txt",
                context={"area": household.area},
            )
        if role not in CONTACT_PERSON_ROLES:
            household.responsible_for.update(responsible=None)
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
    """Plan the start-up meeting where contact persons are appointed and trained; a meeting
    still to come is sent as an invitation to every confirmed household of the area."""
    if not place.strip():
        raise WatchError(_("Skriv var mötet hålls."))
    with transaction.atomic():
        meeting = StartMeeting.objects.create(
            area=area,
            when=when,
            place=place.strip(),
            police_staff=police_staff.strip(),
            municipal_staff=municipal_staff.strip(),
        )
        invited = 0
        if when > timezone.now():
            for household in area.households_set.confirmed():
                _send_to(
                    household,
                    subject=_("Inbjudan till startmöte för grannsamverkan i %(area)s")
                    % {"area": area.name},
                    template="watch/mail/meeting.txt",
                    context={"area": area, "meeting": meeting},
                )
                invited += 1
        _event(
            area,
            AreaEvent.Kind.MEETING,
            actor,
            _("%(when)s %(place)s, inbjudan till %(n)s hushåll")
            % {
                "when": f"{timezone.localtime(when):%Y-%m-%d %H:%M}",
                "place": place.strip(),
                "n": invited,
            },
        )
    return meeting


def meeting_record(*, meeting: StartMeeting, attended: Sequence[Household], actor):
    """Note who came; the meeting is then held and the area may start. A meeting still to
    come cannot have been held."""
    if meeting.when > timezone.now():
        raise WatchError(
            _("Mötet har inte hållits än: det är planerat till %(when)s.")
            % {"when": f"{timezone.localtime(meeting.when):%Y-%m-%d %H:%M}"}
        )
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
    subject = _("Inbrott nära %(area)s") % {"area": one_line(alert.area.name)}
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
    ) % {"when": alert.incident.when, "where": where}
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
    # "Every active area" is every one of the municipality served now, never a neighbour's.
    areas = [area] if area is not None else list(watch_areas_here().active())
    with transaction.atomic():
        message = WatchMessage.objects.create(
            area=area, alert=alert, subject=subject.strip(), body=body.strip(), sender=sender
        )
        for target in areas:
            for household in Household.objects.contact_persons().filter(area=target):
                with _speaking_for(target):
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


def alert_send(*, sender, alert: NearRepeatAlert, subject: str, body: str) -> list[WatchMessage]:
    """Send a near-repeat alert to the contact persons of the active areas it touches.

    The targets are decided here, not by the form: only active watch areas inside the alert's
    residential area, one message (and delivery rows) per area, all in one transaction.
    """
    areas = list(WatchArea.objects.active().filter(residential_area=alert.area_id))
    if not Household.objects.contact_persons().filter(area__in=areas).exists():
        raise WatchError(_("Larmet berör inget aktivt område med kontaktombud."))
    with transaction.atomic():
        return [
            message_send(sender=sender, subject=subject, body=body, area=area, alert=alert)
            for area in areas
        ]


def _ended_before(cutoff: datetime) -> list[int]:
    """The areas that ended before `cutoff`: by the state change that ended them (the
    latest), or, for an area ended without one on record, by the day it was offered."""
    ended_at = (
        AreaEvent.objects.filter(
            area=OuterRef("pk"), kind=AreaEvent.Kind.STATE, to_value=WatchState.ENDED
        )
        .order_by("-created")
        .values("created")[:1]
    )
    return list(
        WatchArea.objects.filter(state=WatchState.ENDED)
        .annotate(ended_at=Coalesce(Subquery(ended_at), F("offered")))
        .filter(ended_at__lt=cutoff)
        .values_list("pk", flat=True)
    )


def _months_before(now: datetime, months: int) -> datetime:
    return now - timedelta(days=round(months * 365.25 / 12))


def watch_retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Delete unconfirmed sign-ups after a week, sign-ups in areas that never started, and
    the households of areas that ended `WATCH_ENDED_RETENTION_MONTHS` ago."""
    now = now or timezone.now()
    months = settings.WATCH_SIGNUP_RETENTION_MONTHS
    cutoff = now - timedelta(days=UNCONFIRMED_DAYS)
    # A sign-up waiting for the household at its address gets its own week from then.
    unconfirmed = Household.objects.filter(confirmed__isnull=True, created__lt=cutoff).filter(
        Q(awaiting_handover__isnull=True) | Q(awaiting_handover__lt=cutoff)
    )
    never_started = Household.objects.filter(
        area__started__isnull=True, area__offered__lt=_months_before(now, months)
    )
    ended = Household.objects.filter(
        area__in=_ended_before(_months_before(now, settings.WATCH_ENDED_RETENTION_MONTHS))
    ).exclude(pk__in=never_started)
    result = {
        "unconfirmed": unconfirmed.count(),
        "never_started": never_started.count(),
        "ended": ended.count(),
    }
    if not dry_run:
        with transaction.atomic():
            unconfirmed.delete()
            never_started.delete()
            ended.delete()
    return result
