from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchConfig(AppConfig):
    name = "tryggve.watch"
    label = "watch"
    verbose_name = _("Grannsamverkan")

    def ready(self):
        # Figures on the staff start page (accounts.dashboard explains why they register).
        from tryggve.accounts.dashboard import register_figure
        from tryggve.analytics.alerts import register_group_provider
        from tryggve.watch.selectors import alert_groups, alerts_to_send_count, ready_area_count

        # Which active groups each near-repeat alert reaches (analytics.alerts explains why).
        register_group_provider(alert_groups)

        register_figure(
            key="alerts_to_send",
            page="watch.manage",
            label=_("Larm om upprepade inbrott att skicka (senaste två veckorna)"),
            url_name="watch:staff_messages",
            count=alerts_to_send_count,
        )
        register_figure(
            key="areas_ready",
            page="watch.manage",
            label=_("Områden redo att starta"),
            url_name="watch:staff_index",
            count=ready_area_count,
        )
