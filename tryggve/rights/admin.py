"""The admin's two views of personal data kept for accountability, each municipality's
administrators seeing only their own: the access log (read only: nobody adds, changes or
deletes a row; the retention rule alone removes them) and the outbox (recipients'
addresses and residents' words), each read of the outbox written to the access log.

Registered here, not in `audit` or `lib`: scoping by municipality needs `areas`, a layer
beside `audit` and above `lib`."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q

from tryggve.areas.admin import admin_municipalities
from tryggve.areas.models import Municipality
from tryggve.audit.models import AccessLog
from tryggve.audit.services import access_log_record
from tryggve.lib.admin import OutgoingMailAdmin
from tryggve.lib.models import OutgoingMail


def _own_rows(request, rows):
    """The rows of the user's municipalities (by `municipality_code`); a blank code is the
    default municipality's (rows from before the code was kept). All for superusers and
    while one municipality is served (`admin_municipalities`)."""
    mine = admin_municipalities(request.user)
    if mine is None:
        return rows
    codes = list(Municipality.objects.filter(pk__in=mine).values_list("code", flat=True))
    match = Q(municipality_code__in=codes)
    if settings.MUNICIPALITY_CODE in codes:
        match |= Q(municipality_code="")
    return rows.filter(match)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "action", "purpose", "subject", "municipality_code"]
    list_filter = ["action", "purpose"]
    search_fields = ["subject", "actor__username"]
    readonly_fields = ["created", "actor", "action", "purpose", "subject", "municipality_code"]

    def get_queryset(self, request):
        return _own_rows(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LoggedOutgoingMailAdmin(OutgoingMailAdmin):
    """The outbox's admin (`lib`), scoped to the user's municipalities, each read written
    to the access log: every list and message holds recipients' addresses (residents,
    households) and a message their words."""

    def get_queryset(self, request):
        return _own_rows(request, super().get_queryset(request))

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
