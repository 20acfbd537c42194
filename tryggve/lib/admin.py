from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryggve.lib import tenancy
from tryggve.lib.models import OutgoingMail
from tryggve.lib.tokens import mask_tokens


class MunicipalityCodeScopedAdmin(admin.ModelAdmin):
    """The admin of rows that carry the code of the municipality they belong to
    (`municipality_code`; blank: the default's, as every row from before): a user who is
    not a superuser lists and opens only the rows of the municipalities whose staff pages
    they may use as a member (the staff rule of `tenancy`), so one municipality's
    administrator reads neither another's outbox nor its access log. While one
    municipality is served, every row (the rule lets everyone in)."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return rows
        codes = {
            code or settings.MUNICIPALITY_CODE
            for code in rows.order_by().values_list("municipality_code", flat=True).distinct()
        }
        mine = [code for code in codes if tenancy.staff_may_use(user, area_wide=False, code=code)]
        match = Q(municipality_code__in=mine)
        if settings.MUNICIPALITY_CODE in mine:
            match |= Q(municipality_code="")
        return rows.filter(match)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(MunicipalityCodeScopedAdmin):
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
