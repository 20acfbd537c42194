from django.conf import settings
from django.contrib import admin

from tryggve.areas.admin import MunicipalityScopedAdmin, admin_municipalities
from tryggve.areas.models import Municipality
from tryggve.reports.models import Category, ResponseTemplate, Unit


class ReportsListAdmin(MunicipalityScopedAdmin):
    """Categories, units and response templates: a row without a municipality is the
    default municipality's (`MunicipalityOwnedQuerySet.for_municipality`), so only its
    administrators see such rows, and only they may leave the municipality blank; others
    must choose one of theirs (a blank would hand the row to a municipality not theirs)."""

    default_when_null = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        mine = admin_municipalities(request.user)
        if db_field.related_model is Municipality and mine is not None:
            field.required = not Municipality.objects.filter(
                pk__in=mine, code=settings.MUNICIPALITY_CODE
            ).exists()
        return field


@admin.register(Category)
class CategoryAdmin(ReportsListAdmin):
    list_display = ["name_sv", "name_en", "slug", "municipality", "target_days", "active", "order"]
    list_filter = ["municipality"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Unit)
class UnitAdmin(ReportsListAdmin):
    list_display = ["name", "municipality", "email", "active"]
    list_filter = ["municipality"]
    list_editable = ["active"]
    filter_horizontal = ["members"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(ReportsListAdmin):
    list_display = ["title", "municipality", "status", "order"]
    list_filter = ["municipality", "status"]
