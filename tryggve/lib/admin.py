from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tryggve.lib.models import OutgoingMail
from tryggve.lib.tokens import mask_tokens


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Where the administrator sees mail that waits, retries and failures."""

    list_display = ["created", "to", "subject", "status", "attempts", "next_attempt", "sent"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    # The body is never shown as stored: it holds residents' words and the tokens of their
    # private links. Administrators see it with the tokens masked; other staff with access
    # to the admin (given view permission on the outbox) see no body at all.
    readonly_fields = [f.name for f in OutgoingMail._meta.fields if f.name != "body"] + [
        "masked_body"
    ]
    actions = ["retry_now"]

    def get_fields(self, request, obj=None):
        fields = [f.name for f in OutgoingMail._meta.fields if f.name not in ("id", "body")]
        return [*fields, "masked_body"] if request.user.is_superuser else fields

    @admin.display(description=_("text (länkarnas nycklar dolda)"))
    def masked_body(self, obj) -> str:
        return mask_tokens(obj.body)

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
