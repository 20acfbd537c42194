from django.conf import settings


def site(request):
    return {
        "DEMO": settings.DEMO,
        "CONTACT_RETENTION_MONTHS": settings.CONTACT_RETENTION_MONTHS,
        "STAFF_REQUIRE_OTP": settings.STAFF_REQUIRE_OTP,
    }
