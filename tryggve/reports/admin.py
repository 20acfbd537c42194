from django.contrib import admin

from tryggve.reports.models import Category, ResponseTemplate, Unit


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "slug", "municipality", "target_days", "active", "order"]
    list_filter = ["municipality"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "email", "active"]
    list_filter = ["municipality"]
    list_editable = ["active"]
    filter_horizontal = ["members"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "status", "order"]
    list_filter = ["municipality", "status"]
