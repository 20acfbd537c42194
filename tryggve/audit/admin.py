from django.contrib import admin

from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.admin import OutgoingMailAdmin
from tryggve.lib.models import OutgoingMail


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "action", "purpose", "subject"]
    list_filter = ["action", "purpose"]
    search_fields = ["subject", "actor__username"]
    readonly_fields = ["created", "actor", "action", "purpose", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoggedOutgoingMailAdmin(OutgoingMailAdmin):
    """The outbox's admin (`lib`), each read written to the access log: every list and
    message holds recipients' addresses (residents, households) and a message their words.
    Registered here because `lib` sits below `audit` and may not import it."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._log(request, "utgående e-post: lista med mottagare")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._log(request, f"utgående e-post {object_id}: mottagare och text")
        return response

    @staticmethod
    def _log(request, subject: str) -> None:
        access_log_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            purpose=AccessLog.Purpose.OUTBOX,
            subject=subject,
        )


admin.site.unregister(OutgoingMail)
admin.site.register(OutgoingMail, LoggedOutgoingMailAdmin)
