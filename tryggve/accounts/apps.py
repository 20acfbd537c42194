from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tryggve.accounts"
    label = "accounts"
    verbose_name = _("Konton och roller")

    def ready(self):
        from tryggve.accounts.admin_labels import apply_admin_labels

        apply_admin_labels()
