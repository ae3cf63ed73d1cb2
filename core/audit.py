"""The audit trail: who changed which row, when, and its fields before and after (django-auditlog).

Each app registers its models with `register` (in its `AppConfig.ready`); from then on every
`save()` and `delete()` leaves a `LogEntry`, whatever the path: API, admin, management command.
Writes that bypass `save()` (`QuerySet.update`) call `log_update` themselves.

The actor: `AuditlogMiddleware` reads `request.user` before DRF has authenticated a token, so API
views name the user once DRF knows it (`set_request_actor`, called by the base viewset). Management
commands run with no actor.
"""

from collections.abc import Mapping

from auditlog.context import auditlog_disabled, auditlog_value
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models
from django.utils.encoding import smart_str

# Not recorded: the timestamps are the entry's own, and `version` is counted by the database.
UNTRACKED_FIELDS = ["created_at", "updated_at", "version"]


def register(*model_classes: type[models.Model]) -> None:
    """Records every create, update and delete of these models."""
    for model in model_classes:
        auditlog.register(model, exclude_fields=UNTRACKED_FIELDS)


def set_request_actor(user) -> None:
    """Names `user` as the actor of the audit entries that the rest of this request writes.

    The middleware's context for this request is a dict that auditlog reads when it saves an entry;
    filling in its actor is all that is needed (nesting `set_actor` inside it would leak its receiver).
    """
    if user is None or not user.is_authenticated:
        return
    try:
        context = auditlog_value.get()
    except LookupError:  # no AuditlogMiddleware around this call: nothing to name
        return
    if context.get("actor") is None:
        context["actor"] = user


def log_update(instance: models.Model, changes: Mapping[str, tuple]) -> LogEntry | None:
    """Records an update written without `save()`: `changes` is `{field: (before, after)}`."""
    if auditlog_disabled.get() or not changes:
        return None
    return LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={name: [_json_value(before), _json_value(after)] for name, (before, after) in changes.items()},
    )


def _json_value(value):
    # As auditlog stores values with AUDITLOG_STORE_JSON_CHANGES: JSON primitives as they are, others as text.
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return smart_str(value)
