from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who read or exported personal data, and when. Rows are only ever added."""

    class Action(models.TextChoices):
        VIEW = "view", _("Läste")
        EXPORT = "export", _("Exporterade")
        PRINT = "print", _("Skrev ut")

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
    subject = models.CharField(_("vad"), max_length=200)
    created = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)
    # The municipality whose pages were read (the one served), so that the admin shows an
    # administrator only their municipalities' log. Blank, in every row from before: the
    # default's.
    municipality_code = models.CharField(_("kommun"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("åtkomst till personuppgifter")
        verbose_name_plural = _("åtkomst till personuppgifter")
        ordering = ["-created"]

    def __str__(self) -> str:
        who = self.actor or "–"
        return f"{self.created:%Y-%m-%d %H:%M} {who} {self.action} {self.subject}"
