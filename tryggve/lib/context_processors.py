from django.conf import settings


def site(request):
    return {
        "DEMO": settings.DEMO,
        "SITE_URL": settings.SITE_URL,
        "CONTACT_RETENTION_MONTHS": settings.CONTACT_RETENTION_MONTHS,
        "STAFF_REQUIRE_OTP": settings.STAFF_REQUIRE_OTP,
    }
