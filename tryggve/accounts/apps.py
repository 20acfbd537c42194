from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tryggve.accounts"
    label = "accounts"
    verbose_name = _("Konton och roller")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from tryggve.accounts.admin_labels import apply_admin_labels

        apply_admin_labels()
        # This app has no models, so no post_migrate of its own: the roles' groups are made
        # once auth's tables are migrated.
        post_migrate.connect(
            _role_groups_after_migrate,
            sender=apps.get_app_config("auth"),
            dispatch_uid="tryggve.accounts.role_groups",
        )


def _role_groups_after_migrate(sender, using="default", apps=None, **kwargs):
    # `flush` (the live-server tests) sends the signal without `apps`, as Django's own
    # permissions handler allows for: the models as they are now.
    from django.apps import apps as current_apps

    from tryggve.accounts.services import role_groups_ensure

    group_model = (apps or current_apps).get_model("auth", "Group")
    role_groups_ensure(group_model=group_model, using=using)
