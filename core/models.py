"""Abstract bases of the domain models (timestamps, versions), and the one concrete model of core:
the idempotency keys of POST requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds `created_at` and an indexed `updated_at`, the key of `?updated_since=` syncs."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Adds `version`, one more on every save: the row's ETag, and what `If-Match` is checked against.

    The database does the counting (`version = version + 1`), so two saves that race without a lock
    still leave two distinct versions. Code that writes with `QuerySet.update` raises it itself
    (`version=F("version") + 1`), or a client holding the old ETag could overwrite the change.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if self._state.adding or (update_fields is not None and not update_fields):
            return super().save(*args, update_fields=update_fields, **kwargs)
        if update_fields is not None:
            update_fields = {*update_fields, "version"}
        self.version = models.F("version") + 1
        try:
            super().save(*args, update_fields=update_fields, **kwargs)
        finally:
            # Deferred from now on: read back from the database only when something asks for it.
            del self.__dict__["version"]


class IdempotencyKey(models.Model):
    """A POST's `Idempotency-Key` and the first answer to it, replayed to every retry (core.idempotency).

    Kept in core, which is an app for this model alone, because the base viewset that uses it lives here.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("key"), max_length=255)
    # SHA-256 of the method, the path and the body: a retry must be the same request.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    # JSON text rather than a JSON column: jsonb would reorder the keys of the replayed body.
    response_body = models.TextField(_("response body"), blank=True)
    response_headers = models.JSONField(_("response headers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(state="in_progress") | models.Q(response_status__isnull=False),
                name="idempotencykey_done_has_response",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key} ({self.state})"
