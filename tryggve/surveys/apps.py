from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tryggve.surveys"
    label = "surveys"
    verbose_name = _("Trygghetsenkät")

    def ready(self):
        # The representativeness registers its part of the background recount.
        from tryggve.surveys import representativeness  # noqa: F401
