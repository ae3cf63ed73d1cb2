"""Where each office wants its reminders, and the log of every attempt to deliver one.

Kept in an app of its own, one-to-one with `projects.Office`, so that reminder settings (addresses,
a webhook URL and its secret) never widen the office rows that the API and its clients read.
"""

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import FieldCheckConstraint
from core.models import TimeStampedModel
from projects.models import Office

from .choices import Channel

RECIPIENT_SEPARATORS = re.compile(r"[\s,;]+")


class ReminderSettings(TimeStampedModel):
    """An office's reminder channels: e-mail recipients, a webhook signed with the office's secret, or both."""

    office = models.OneToOneField(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    email_recipients = models.TextField(
        _("e-mail recipients"), blank=True, help_text=_("Addresses separated by commas or new lines.")
    )
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=200,
        blank=True,
        help_text=_("Shared secret of the HMAC-SHA256 signature in the X-Shuitou-Signature header."),
    )

    class Meta:
        ordering = ["office__code"]
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            FieldCheckConstraint(
                field="webhook_secret",
                condition=Q(webhook_url="") | ~Q(webhook_secret=""),
                name="remindersettings_webhook_has_secret",
                violation_error_message=_("A webhook needs a secret to sign its requests."),
                violation_error_code="required",
            ),
        ]

    def __str__(self):
        return str(self.office)

    @property
    def recipients(self) -> list[str]:
        return [address for address in RECIPIENT_SEPARATORS.split(self.email_recipients) if address]


class DeliveryAttempt(models.Model):
    """One attempt to deliver one office's reminder on one channel: what answered, and how long it took."""

    run = models.UUIDField(_("run"), db_index=True, help_text=_("One run of send_reminders."))
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    target = models.CharField(_("target"), max_length=500, help_text=_("The recipients or the webhook URL."))
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    succeeded = models.BooleanField(_("succeeded"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    milestones = models.PositiveIntegerField(_("milestones"), help_text=_("Due and overdue milestones sent."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        outcome = "ok" if self.succeeded else (self.status_code or self.error[:40])
        return f"{self.office_id} {self.channel} #{self.attempt}: {outcome}"
