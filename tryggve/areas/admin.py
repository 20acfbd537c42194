from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryggve.areas.models import (
    AreaKind,
    Municipality,
    PopulationCount,
    ResidentialArea,
    Street,
)
from tryggve.areas.selectors import households_problem, outline_problem
from tryggve.areas.serving import serves_several
from tryggve.lib.fields import NestingSafeJSONField
from tryggve.lib.geo import (
    GeometryError,
    declared_srid,
    line_or_point_from_geojson,
    polygon_from_geojson,
)


def admin_municipalities(user) -> list[int] | None:
    """The municipalities (pks) whose rows `user` may see and edit in the admin; None for
    all: superusers, and everyone while the deployment serves one municipality (as the
    staff pages' rule, `areas.access`)."""
    if user.is_superuser or not serves_several():
        return None
    return list(Municipality.objects.filter(members=user).values_list("pk", flat=True))


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """The admin of a model that belongs to a municipality: it lists, opens and saves only
    rows of the user's municipalities, and its foreign keys to a municipality or a
    residential area offer only theirs, so another municipality's row is neither shown
    nor chosen (a row of another opens as "does not exist").

    `municipality_lookup` is the path from the model to its municipality;
    `default_when_null` says that a row without one (reached through a nullable key)
    belongs to the default municipality, as `areas.selectors.in_municipality` counts it."""

    municipality_lookup = "municipality"
    default_when_null = False
    # The geometry fields: an outline nested thousands deep is a message, not a 500.
    formfield_overrides = {models.JSONField: {"form_class": NestingSafeJSONField}}

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        mine = admin_municipalities(request.user)
        if mine is None:
            return rows
        match = Q(**{f"{self.municipality_lookup}__in": mine})
        if self.default_when_null and Municipality.objects.filter(
            pk__in=mine, code=settings.MUNICIPALITY_CODE
        ).exists():
            match |= Q(**{f"{self.municipality_lookup}__isnull": True})
        return rows.filter(match)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        mine = admin_municipalities(request.user)
        if mine is not None and db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=mine)
        elif mine is not None and db_field.related_model is ResidentialArea:
            kwargs["queryset"] = ResidentialArea.all_kinds.filter(municipality__in=mine)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Staff pickers (a municipality's or a unit's members) offer the staff of the user's
        # municipalities and accounts of none yet (someone new to add), never another
        # municipality's staff by name.
        mine = admin_municipalities(request.user)
        if mine is not None and db_field.related_model is get_user_model():
            users = get_user_model().objects.filter(
                Q(municipalities__in=mine) | Q(municipalities__isnull=True)
            )
            kwargs["queryset"] = users.distinct().order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GeometryForm(forms.ModelForm):
    """A form whose GeoJSON is read as the imports read it (a usable polygon, WGS84 or
    SWEREF 99 TM) and stored with its bounding box: without this a new row had no box and
    could not be saved, and a changed outline kept the old box, so points in the new part
    were never found inside it."""

    read_geometry = staticmethod(polygon_from_geojson)

    def clean_geometry(self):
        data = self.cleaned_data["geometry"]
        try:
            # A `crs` member names the system, as in the imports (an unknown one is refused);
            # without one, degrees are WGS84 and metres SWEREF 99 TM.
            self.geometry_shape = self.read_geometry(data, declared_srid(data))
        except GeometryError as exc:
            raise forms.ValidationError(str(exc)) from None
        return self.cleaned_data["geometry"]

    def _post_clean(self):
        super()._post_clean()
        if getattr(self, "geometry_shape", None) is not None:
            self.instance.set_geometry(self.geometry_shape)


class StreetForm(GeometryForm):
    """A street is a line and a named place a point (`areas.services.streets_import`)."""

    read_geometry = staticmethod(line_or_point_from_geojson)


@admin.register(Municipality)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    # The admin builds the form's fields; the class adds only the geometry's reading.
    form = GeometryForm
    list_display = ["name", "code", "police_area", "slug", "hosts", "reference_prefix"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]
    filter_horizontal = ["members"]
    municipality_lookup = "pk"

    # A municipality's own administrators edit its row, but only the deployment's operator
    # (a superuser) adds or removes municipalities or moves one to another police area,
    # which decides the police officers who see its incidents (`analytics.scope`).
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, "code", "police_area"]


class ResidentialAreaForm(GeometryForm):
    """Django checks the unique short name through the default manager, which does not see
    the statistical layer; this checks every kind, so a clash is a message, not an error.
    A number of households that cannot be true is refused: it is the denominator of every
    area's rate, so one typo (19,000 for 190) would make the other areas look exposed."""

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
        shape = getattr(self, "geometry_shape", None)
        if municipality and shape and (
            problem := outline_problem(municipality=municipality, geometry=shape)
        ):
            self.add_error("geometry", problem)
        if not self.has_error("households"):
            problem = households_problem(
                municipality=municipality, area=self.instance,
                households=data.get("households"), population=data.get("population"),
                kind=data.get("kind") or AreaKind.RESIDENTIAL,
            )
            if problem:
                self.add_error("households", problem)
        return data


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(MunicipalityScopedAdmin):
    form = ResidentialAreaForm
    list_display = ["name", "municipality", "kind", "scb_code", "households", "population"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "scb_code"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]

    def get_queryset(self, request):
        # Staff see the statistical layer here too (the default manager hides it).
        rows = ResidentialArea.all_kinds.all()
        mine = admin_municipalities(request.user)
        return rows if mine is None else rows.filter(municipality__in=mine)


@admin.register(Street)
class StreetAdmin(MunicipalityScopedAdmin):
    form = StreetForm
    list_display = ["name", "municipality", "approximate"]
    list_filter = ["municipality", "approximate"]
    search_fields = ["name"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(PopulationCount)
class PopulationCountAdmin(MunicipalityScopedAdmin):
    list_display = ["municipality", "area", "age_band", "year", "count", "source", "is_demo"]
    list_filter = ["municipality", "year", "age_band", "is_demo"]
