"""The municipality a page is for, when it is not the deployment's default one.

Templates keep the default municipality's own texts (its name, its promise) and use
`municipality_served` instead only when another municipality is served (by host name or
path): a deployment serving one municipality renders exactly as before and asks nothing.
"""

from django.conf import settings

from tryggve.areas.selectors import home_municipality
from tryggve.lib import tenancy


def municipality(request):
    if tenancy.current_code() == settings.MUNICIPALITY_CODE:
        return {"municipality_served": None}
    return {"municipality_served": home_municipality()}
