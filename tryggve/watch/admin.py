from django.contrib import admin

from tryggve.areas.admin import MunicipalityScopedAdmin
from tryggve.watch.models import WatchArea


@admin.register(WatchArea)
class WatchAreaAdmin(MunicipalityScopedAdmin):
    """Reference data only: staff run areas from /personal/grannsamverkan/."""

    # A watch area drawn anew (no residential area) belongs to the default municipality.
    municipality_lookup = "residential_area__municipality"
    default_when_null = True

    list_display = ["name", "state", "households", "threshold_percent"]
    readonly_fields = ["state", "min_lon", "min_lat", "max_lon", "max_lat"]
