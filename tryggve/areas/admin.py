from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import Municipality, PopulationCount, ResidentialArea, Street


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "police_area", "slug", "hosts", "reference_prefix"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]
    filter_horizontal = ["members"]


class ResidentialAreaForm(forms.ModelForm):
    """Django checks the unique short name through the default manager, which does not see
    the statistical layer; this checks every kind, so a clash is a message, not an error."""

    class Meta:
        model = ResidentialArea
        fields = [
            "municipality", "name", "slug", "households", "population", "kind", "scb_code",
            "geometry",
        ]

    def clean(self):
        data = super().clean()
        municipality, slug = data.get("municipality"), data.get("slug")
        if municipality and slug:
            taken = ResidentialArea.all_kinds.filter(municipality=municipality, slug=slug)
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "slug",
                    _("Kortnamnet används redan i kommunen (också av ett statistiskt område)."),
                )
        return data


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(admin.ModelAdmin):
    form = ResidentialAreaForm
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
