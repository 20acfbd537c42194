from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tryggve.reports"
    label = "reports"
    verbose_name = _("Otrygga platser")

    def ready(self):
        from tryggve.accounts.dashboard import register_figure
        from tryggve.reports import selectors

        register_figure(
            key="new_cases",
            page="reports.cases",
            label=_("Nya ärenden att ta emot"),
            url_name="reports:staff_inbox",
            query="status=received",
            count=selectors.new_case_count,
        )
        register_figure(
            key="overdue_cases",
            page="reports.cases",
            label=_("Försenade ärenden"),
            url_name="reports:staff_inbox",
            query="overdue=on",
            count=selectors.overdue_case_count,
        )
