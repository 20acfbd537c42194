from django.contrib import admin

from tryggve.audit.models import AccessLog
from tryggve.lib.admin import MunicipalityCodeScopedAdmin


@admin.register(AccessLog)
class AccessLogAdmin(MunicipalityCodeScopedAdmin):
    list_display = ["created", "actor", "action", "subject"]
    list_filter = ["action"]
    search_fields = ["subject", "actor__username"]
    readonly_fields = ["created", "actor", "action", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
