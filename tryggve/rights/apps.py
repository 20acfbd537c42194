from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "tryggve.rights"
    label = "rights"
    verbose_name = _("Den registrerades rättigheter")
