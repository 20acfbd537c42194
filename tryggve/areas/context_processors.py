"""The municipality a page is for, and its public identity.

Templates keep the default municipality's own texts (its name, its promise) and use
`municipality_served` instead only when another municipality is served (by host name or
path). `identity` (`tryggve.areas.identity`) is the served municipality's name, colour,
logo and contact details; its blank fields leave the page as it always was, so a
deployment serving one municipality renders exactly as before.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from tryggve.areas.identity import public_identity
from tryggve.areas.selectors import home_municipality
from tryggve.lib import tenancy


def municipality(request):
    # Looked up only by a template that shows it (the public pages; staff pages do not).
    identity = SimpleLazyObject(public_identity)
    if tenancy.current_code() == settings.MUNICIPALITY_CODE:
        return {"municipality_served": None, "identity": identity}
    return {"municipality_served": home_municipality(), "identity": identity}
