from django.contrib import admin

from tryggve.areas.models import Municipality, PopulationCount, ResidentialArea, Street


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "police_area"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "scb_code", "households", "population"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "scb_code"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]

    def get_queryset(self, request):
        # Staff see the statistical layer here too (the default manager hides it).
        return ResidentialArea.all_kinds.all()


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "approximate"]
    list_filter = ["municipality", "approximate"]
    search_fields = ["name"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(PopulationCount)
class PopulationCountAdmin(admin.ModelAdmin):
    list_display = ["municipality", "area", "age_band", "year", "count", "source", "is_demo"]
    list_filter = ["municipality", "year", "age_band", "is_demo"]
