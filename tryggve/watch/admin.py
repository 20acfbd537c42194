from django.contrib import admin

from tryggve.watch.models import WatchArea


@admin.register(WatchArea)
class WatchAreaAdmin(admin.ModelAdmin):
    """Reference data only: staff run areas from /personal/grannsamverkan/."""

    list_display = ["name", "state", "households", "threshold_percent"]
    readonly_fields = ["state", "min_lon", "min_lat", "max_lon", "max_lat"]
