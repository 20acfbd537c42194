"""Swedish names in the admin for the installed apps Tryggve does not write itself.

django-axes, django-otp and django-tasks-db name their apps and models in English (and axes
ships no Swedish catalogue), so the admin showed "AXES", "OTP_TOTP" and "Task Results" to
Swedish staff. The names are set here, once, when the apps are ready; the role groups are
shown by their Role label ("Handläggare") instead of their technical name (`case_handler`).

Only app and model names are changed: they live outside the migration state, whereas a
field's verbose_name would make `makemigrations --check` ask for a migration in those apps.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# app label -> (app name, {model: (singular, plural)})
LABELS = {
    "axes": (
        _("Inloggningsspärrar"),
        {
            "accessattempt": (
                _("misslyckat inloggningsförsök"),
                _("misslyckade inloggningsförsök"),
            ),
            "accessfailurelog": (_("misslyckad inloggning"), _("misslyckade inloggningar")),
            "accesslog": (_("inloggning"), _("inloggningar")),
            "accessattemptexpiration": (_("spärrens slut"), _("spärrarnas slut")),
        },
    ),
    "otp_totp": (
        _("Tvåfaktorsinloggning"),
        {"totpdevice": (_("autentiseringsapp"), _("autentiseringsappar"))},
    ),
    "django_tasks_database": (
        _("Bakgrundsjobb"),
        {"dbtaskresult": (_("bakgrundsjobb"), _("bakgrundsjobb"))},
    ),
    "auth": (
        _("Användare och roller"),
        {"group": (_("roll"), _("roller")), "user": (_("användare"), _("användare"))},
    ),
}


def apply_admin_labels() -> None:
    for label, (app_name, models) in LABELS.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            try:
                model = config.get_model(model_name)
            except LookupError:
                continue
            model._meta.verbose_name = singular
            model._meta.verbose_name_plural = plural

    from django.contrib.auth.models import Group

    from tryggve.accounts.roles import role_label

    # Groups are the roles; everywhere the admin names one, it uses the role's Swedish label.
    Group.__str__ = lambda group: str(role_label(group.name))
