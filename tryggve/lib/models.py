from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """A mail or text message waiting to go out, or gone. The row is the message: a mail
    server or SMS gateway that is down delays it, and the administrator sees every attempt
    and its error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-post")
        SMS = "sms", _("SMS")

    channel = models.CharField(
        _("kanal"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    to = models.CharField(_("mottagare"), max_length=254)
    subject = models.CharField(_("ämne"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    next_attempt = models.DateTimeField(_("nästa försök"), default=timezone.now)
    created = models.DateTimeField(_("skapat"), default=timezone.now)
    sent = models.DateTimeField(_("skickat"), null=True, blank=True)
    # One optional attachment (e.g. the council's report as PDF), kept in the row so that a
    # retry sends the same file; pruned with the row.
    attachment_name = models.CharField(_("bilaga"), max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, default=b"")
    # Whom the mail is from and where a reply goes, resolved when it was queued for the
    # municipality it speaks for (issue 14): delivery runs outside the request, where no
    # municipality is served. Blank, as in every row queued before: DEFAULT_FROM_EMAIL and
    # no Reply-To.
    from_email = models.CharField(_("avsändare"), max_length=254, blank=True, default="")
    reply_to = models.CharField(_("svarsadress"), max_length=254, blank=True, default="")
    # The municipality the message speaks for (the one served when it was queued), so that
    # the admin shows an administrator only their municipalities' messages: their residents'
    # addresses are no one else's. Blank, as in every row queued before: the default's.
    municipality_code = models.CharField(_("kommun"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "next_attempt"], name="mail_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
