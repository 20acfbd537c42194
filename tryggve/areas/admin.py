from django.contrib import admin

from tryggve.areas.models import Municipality, ResidentialArea


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "police_area"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "households", "population"]
    list_filter = ["municipality"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]
