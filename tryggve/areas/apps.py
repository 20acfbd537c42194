from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "tryggve.areas"
    label = "areas"
    verbose_name = _("Geografi")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tryggve.areas import access, identity, serving
        from tryggve.areas.models import Municipality
        from tryggve.lib import mail, tenancy

        tenancy.register_staff_rule(
            access.staff_may_use, home_elsewhere=access.staff_home_elsewhere
        )
        mail.register_sender_rule(identity.mail_sender_for)
        mail.register_sms_sender_rule(identity.sms_sender_for)
        post_save.connect(serving.forget_served, sender=Municipality, dispatch_uid="served")
        post_delete.connect(serving.forget_served, sender=Municipality, dispatch_uid="served")
        post_save.connect(identity.forget_identity, sender=Municipality, dispatch_uid="identity")
        post_delete.connect(
            identity.forget_identity, sender=Municipality, dispatch_uid="identity"
        )
