"""The audit trail: who changed which row, when, and its fields before and after (django-auditlog).

Each app registers its models with `register` (in its `AppConfig.ready`); from then on every
`save()` and `delete()` leaves a `LogEntry`, whatever the path: API, admin, management command.
Writes that bypass `save()` (`QuerySet.update`, `bulk_update`) call `log_writes` themselves.

The actor: `AuditlogMiddleware` reads `request.user` before DRF has authenticated a token, so API
views name the user once DRF knows it (`set_request_actor`, called by the base viewset). Management
commands run with no actor.
"""

from collections.abc import Iterable, Mapping

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled, auditlog_value
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
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


def log_writes(
    *, created: Iterable[models.Model] = (), updated: Iterable[tuple[models.Model, Mapping[str, tuple]]] = ()
) -> None:
    """Records writes made without auditlog's signals (`bulk_update`, `QuerySet.update`, or a save inside
    `disable_auditlog()`), all in one INSERT: `created` rows, and `updated` ones as `(row, {field: (before, after)})`.

    Each entry is handed to the receivers auditlog connects while a request runs (`pre_save` of LogEntry), as a
    save would, so it carries the same actor, address and correlation id as the entries auditlog writes itself.
    """
    if auditlog_disabled.get():
        return
    cid = get_cid()
    entries = [_entry(row, LogEntry.Action.CREATE, _created(row), cid) for row in created] + [
        _entry(row, LogEntry.Action.UPDATE, _updated(changes), cid) for row, changes in updated if changes
    ]
    for entry in entries:
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None)
    LogEntry.objects.bulk_create(entries)


def _entry(row: models.Model, action: int, changes: dict, cid) -> LogEntry:
    return LogEntry(
        content_type=ContentType.objects.get_for_model(row),
        object_pk=str(row.pk),
        object_id=row.pk,
        object_repr=str(row),
        action=action,
        changes=changes,
        cid=cid,
    )


def _created(row: models.Model) -> dict:
    # As auditlog records a creation: every tracked field, from nothing.
    return model_instance_diff(None, row, use_json_for_changes=True)


def _updated(changes: Mapping[str, tuple]) -> dict:
    return {name: [_json_value(before), _json_value(after)] for name, (before, after) in changes.items()}


def _json_value(value):
    # As auditlog stores values with AUDITLOG_STORE_JSON_CHANGES: JSON primitives as they are, others as text.
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return smart_str(value)
