from django.conf import settings

from tryggve.lib.links import gettable_page


def site(request):
    return {
        "DEMO": settings.DEMO,
        "CONTACT_RETENTION_MONTHS": settings.CONTACT_RETENTION_MONTHS,
        "STAFF_REQUIRE_OTP": settings.STAFF_REQUIRE_OTP,
        # Where the language switch returns to: never a POST-only address (it would be 405).
        "LANG_NEXT": gettable_page(request),
    }
