from django.contrib import admin

from tryggve.reports.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "slug", "target_days", "active", "order"]
    list_editable = ["active", "order"]
    prepopulated_fields = {"slug": ["name_en"]}
