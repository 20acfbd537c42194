from django.contrib import admin

from tryggve.analytics.models import FeedFetch


@admin.register(FeedFetch)
class FeedFetchAdmin(admin.ModelAdmin):
    """The police feed's calls with their technical account (`error`), for the operator.

    Superusers only: a call serves every municipality, so its totals and its rejected events
    (named by the feed's ids) are every municipality's; staff see their own share on the
    import page. Read only; a row may be deleted, as after a 404 once the address is
    checked (the rules' stop is read from the rows)."""

    list_display = ["started", "outcome", "http_status", "retry_after", "events", "error"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in FeedFetch._meta.fields]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
