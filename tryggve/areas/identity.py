"""The public identity of the municipality served: its service's name, its own name as the
one responsible, its colour, logo and contact details (issue 14).

Every field may be left blank: the templates then show what a deployment serving one
municipality has always shown (the default municipality's own texts, the stylesheet's
colour, the name as text), so such a deployment looks exactly as before. The values are
cached per municipality like the routing table (`tryggve.areas.serving`) and dropped when a
municipality is saved or deleted, so a warm page asks the database nothing more.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from email.utils import parseaddr, quote

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.lib import tenancy
from tryggve.lib.colours import darker, parse_hex

IDENTITY_SECONDS = 300
LOGO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class PublicIdentity:
    code: str
    # The municipality's name ("Arjeplogs kommun"); "" when its row is not set up yet.
    name: str = ""
    police_area: str = ""
    service_name: str = ""
    organisation_name: str = ""
    brand_colour: str = ""
    # The stored file's name: part of the logo's address, so a new upload is fetched anew.
    logo: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_address: str = ""
    privacy_officer_email: str = ""
    sms_sender: str = ""

    @property
    def is_default(self) -> bool:
        return self.code == settings.MUNICIPALITY_CODE

    @property
    def brand_colour_dark(self) -> str:
        rgb = parse_hex(self.brand_colour)
        return darker(rgb) if rgb else ""

    @property
    def version(self) -> str:
        """A short tag for the stylesheet's and logo's addresses (browsers cache them)."""
        return f"{self.brand_colour.lstrip('#')}-{zlib.crc32(self.logo.encode()):x}"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_email or self.contact_address)

    # The texts below are made when a page is rendered, in its language (never cached).
    @property
    def owner(self) -> str:
        """Who stands behind the service (the privacy and accessibility pages, the title)."""
        if self.organisation_name:
            return self.organisation_name
        if not self.is_default and self.name:
            return self.name
        return _("Arvidsjaurs kommun")

    @property
    def header(self) -> str:
        if self.service_name:
            return self.service_name
        if not self.is_default and self.name:
            return _("Trygghet i %(name)s") % {"name": self.name}
        return _("Trygg i Arvidsjaur")

    @property
    def title(self) -> str:
        if self.service_name:
            return self.service_name
        return _("Trygghet") if not self.is_default else _("Trygg i Arvidsjaur")

    @property
    def footer(self) -> str:
        if self.is_default and not self.organisation_name:
            return _("Arvidsjaurs kommun och lokalpolisområde Piteå Älvdal")
        if self.police_area:
            return _("%(name)s och %(police)s") % {"name": self.owner, "police": self.police_area}
        return self.owner


def _cache_key(code: str) -> str:
    return f"tryggve:areas:identity:{code}"


def public_identity(code: str | None = None) -> PublicIdentity:
    """The identity of the municipality served now (or of `code`)."""
    code = code or tenancy.current_code()
    identity = cache.get(_cache_key(code))
    if identity is None:
        serving_now = tenancy.current()
        memo = serving_now.memo if serving_now is not None and serving_now.code == code else {}
        if "municipality" in memo:
            # This request has looked its municipality up already (home_municipality).
            municipality = memo["municipality"]
        else:
            try:
                municipality = Municipality.objects.filter(code=code).first()
            except DatabaseError:
                # An error page while the database is away still renders, as before.
                return PublicIdentity(code=code)
        identity = PublicIdentity(code=code) if municipality is None else PublicIdentity(
            code=code,
            name=municipality.name,
            police_area=municipality.police_area,
            service_name=municipality.service_name,
            organisation_name=municipality.organisation_name,
            brand_colour=municipality.brand_colour if parse_hex(municipality.brand_colour) else "",
            logo=municipality.logo.name if municipality.logo else "",
            contact_phone=municipality.contact_phone,
            contact_email=municipality.contact_email,
            contact_address=municipality.contact_address,
            privacy_officer_email=municipality.privacy_officer_email,
            sms_sender=municipality.sms_sender,
        )
        cache.set(_cache_key(code), identity, IDENTITY_SECONDS)
    return identity


def forget_identity(sender, instance: Municipality, **kwargs) -> None:
    """Drop the cached identity (connected to Municipality's post_save and post_delete)."""
    cache.delete(_cache_key(instance.code))


def mail_sender_for(code: str) -> tuple[str, str]:
    """(From, Reply-To) of mail queued for municipality `code` (registered with
    `tryggve.lib.mail` as its sender rule).

    From keeps the deployment's address (DEFAULT_FROM_EMAIL, the one the mail server may
    send as) under the municipality's service name, "Trygg i Arjeplog <noreply@…>"; the
    reply goes to the municipality's contact address when it has one. The default
    municipality with neither a service name nor a contact address set sends exactly as
    before: ("", "") leaves DEFAULT_FROM_EMAIL and no Reply-To.
    """
    identity = public_identity(code)
    reply_to = identity.contact_email
    if identity.is_default and not identity.service_name:
        return "", reply_to
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if not address:
        return "", reply_to
    return f'"{quote(identity.header)}" <{address}>', reply_to


def sms_sender_for(code: str) -> str:
    """The name text messages for municipality `code` show as from (registered with
    `tryggve.lib.mail` as its SMS sender rule); "" when it has none of its own, and
    `lib.mail.sms_sender` then takes settings.SMS_SENDER."""
    return public_identity(code).sms_sender
