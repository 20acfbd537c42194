from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "tryggve.analytics"
    label = "analytics"
    verbose_name = _("Lägesbild")

    def ready(self):
        # `/readyz` reports the police feed's last successful fetch; lib cannot import
        # analytics, so analytics registers it (tryggve.lib.health explains).
        from tryggve.analytics.selectors import police_feed_health
        from tryggve.lib.health import register_check

        register_check(name="police_feed", read=police_feed_health)
