from django.contrib import admin

from tryggve.lib.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Where the administrator sees mail that waits, retries and failures."""

    list_display = ["created", "to", "subject", "status", "attempts", "next_attempt", "sent"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    actions = ["retry_now"]

    @admin.action(description="Försök skicka igen nu")
    def retry_now(self, request, queryset):
        from tryggve.lib.delivery import mail_deliver

        queryset.filter(status=OutgoingMail.Status.FAILED).update(
            status=OutgoingMail.Status.PENDING
        )
        for mail_id in queryset.values_list("pk", flat=True):
            mail_deliver(mail_id=mail_id)

    def has_add_permission(self, request):
        return False
