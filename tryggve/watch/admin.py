from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tryggve.areas.admin import GeometryForm, MunicipalityScopedAdmin, admin_municipalities
from tryggve.areas.models import Municipality
from tryggve.watch.models import WatchArea


class WatchAreaForm(GeometryForm):
    """The outline read and boxed as the residential areas' (without it adding an area was
    a 500); a residential area must lie in the municipality chosen, and a blank
    municipality is the residential area's, as `watch_area_offer` sets it. An area drawn
    anew names its municipality (blank would hand it to the default one)."""

    def clean(self):
        data = super().clean()
        municipality, area = data.get("municipality"), data.get("residential_area")
        if area is None and municipality is None and not self.has_error("residential_area"):
            self.add_error("municipality", _("Välj kommunen för ett område utan bostadsområde."))
        elif municipality is None:
            data["municipality"] = area.municipality
        elif area is not None and area.municipality_id != municipality.pk:
            self.add_error(
                "residential_area", _("Bostadsområdet hör till en annan kommun.")
            )
        return data


@admin.register(WatchArea)
class WatchAreaAdmin(MunicipalityScopedAdmin):
    """Reference data only: staff run areas from /personal/grannsamverkan/."""

    form = WatchAreaForm
    list_display = ["name", "state", "households", "threshold_percent"]
    readonly_fields = ["state", "min_lon", "min_lat", "max_lon", "max_lat"]

    def get_queryset(self, request):
        # By its own municipality column, as the staff pages read it
        # (`OwnMunicipalityQuerySet`): an area drawn anew in Arjeplog has no residential
        # area, yet is Arjeplog's, not the default municipality's.
        rows = admin.ModelAdmin.get_queryset(self, request)
        mine = admin_municipalities(request.user)
        if mine is None:
            return rows
        codes = Municipality.objects.filter(pk__in=mine).values_list("code", flat=True)
        return rows.for_codes(list(codes))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # The database's range check would otherwise answer with its constraint's name.
        if db_field.name == "threshold_percent":
            kwargs.update(min_value=1, max_value=100)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
