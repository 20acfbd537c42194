from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who read or exported personal data, when, what and why. Rows are only ever added by
    the service, never changed; the oldest go by `ACCESS_LOG_RETENTION_MONTHS`."""

    class Action(models.TextChoices):
        VIEW = "view", _("Läste")
        EXPORT = "export", _("Exporterade")
        PRINT = "print", _("Skrev ut")
        ERASE = "erase", _("Raderade")

    class Purpose(models.TextChoices):
        """Why the data was read: the task the page serves (a page serves one)."""

        CASE = "case", _("Handläggning av ärendet")
        UNIT = "unit", _("Ansvarig enhets åtgärd")
        WATCH = "watch", _("Grannsamverkan")
        SURVEY = "survey", _("Enkätens fritextsvar")
        FOLLOWUP = "followup", _("Uppföljning av medborgarlöftet")
        IMPORT = "import", _("Import av händelser")
        OUTBOX = "outbox", _("Utskick och deras fel")
        RIGHTS = "rights", _("Den registrerades begäran")

    # Empty when the reader had no account: a unit that opened a case through the link
    # sent to it (the subject then names the unit and the link).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    action = models.CharField(_("åtgärd"), max_length=10, choices=Action.choices)
    # Blank only on rows written before the purpose was recorded.
    purpose = models.CharField(
        _("varför"), max_length=10, choices=Purpose.choices, blank=True, default=""
    )
    subject = models.CharField(_("vad"), max_length=200)
    # The municipality whose data was read (the one served then), so that each
    # municipality's administrators read only their own log. Blank on rows written before:
    # the default municipality's.
    municipality_code = models.CharField(
        _("kommunkod"), max_length=10, blank=True, default="", db_index=True
    )
    created = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("åtkomst till personuppgifter")
        verbose_name_plural = _("åtkomst till personuppgifter")
        ordering = ["-created"]

    def __str__(self) -> str:
        who = self.actor or "–"
        return f"{self.created:%Y-%m-%d %H:%M} {who} {self.action} {self.subject}"
