"""Idempotency keys: a retried POST gets the first answer instead of creating a second object.

A key is claimed by inserting its row (`in_progress`), committed on its own before the request
runs; the unique constraint on (user, key) decides which of two racing requests owns it, and the
other one learns at once that it is still running (409). The request's writes and the stored
answer (`done`) then commit together, so a request that fails or dies leaves no object behind,
and its claim is released (or, if the process died, taken over once it is older than
`IDEMPOTENCY_KEY_LOCK_TIMEOUT`). Keys are purged `IDEMPOTENCY_KEY_TTL` after their first use.
"""

import datetime
import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import IdempotencyKey

KEY_MAX_LENGTH = IdempotencyKey._meta.get_field("key").max_length
PURGE_INTERVAL = datetime.timedelta(minutes=1)


def key_ttl() -> datetime.timedelta:
    return settings.IDEMPOTENCY_KEY_TTL


def request_fingerprint(*, method: str, path: str, data) -> str:
    """SHA-256 of what makes two requests the same request: method, path (with query) and parsed body.

    The body is hashed as canonical JSON, so a retry that spaces or orders its keys differently is
    still the same request; form data counts as `{name: [values]}`.
    """
    if hasattr(data, "lists"):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    digest = hashlib.sha256()
    for part in (method.upper(), path, body):
        encoded = part.encode()
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """The key's row, and whether this request owns it (and so runs) or finds an earlier one's."""

    record: IdempotencyKey | None
    owned: bool


def idempotency_key_claim(*, user, key: str, fingerprint: str) -> Claim:
    """Claims `key` for `user`, or returns the row of the request that claimed it first.

    The claim is committed before the request's work, so that a concurrent retry sees it. An expired key, or
    one left `in_progress` by a request that died, is deleted and claimed afresh.
    """
    now = timezone.now()
    _purge_now_and_then(now)
    record = None
    for _attempt in range(3):
        try:
            # One INSERT commits by itself; inside a caller's transaction (tests) it needs a savepoint to fail in.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint, created_at=now)
            return Claim(record=record, owned=True)
        except IntegrityError:
            pass
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:  # released between our insert and our read: try again
            continue
        abandoned = now - settings.IDEMPOTENCY_KEY_LOCK_TIMEOUT
        if record.state == IdempotencyKey.State.IN_PROGRESS and record.created_at < abandoned:
            IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_PROGRESS).delete()
            continue
        return Claim(record=record, owned=False)
    # Three lost races in a row: answer as if the other request were still running.
    return Claim(record=record, owned=False)


_last_purge: datetime.datetime | None = None


def _purge_now_and_then(now: datetime.datetime) -> None:
    """Purges expired keys at most once a minute in each process: keyed POSTs keep the table small without paying
    a DELETE each (`manage.py purge_idempotency_keys` does it from cron as well)."""
    global _last_purge
    if _last_purge is None or not datetime.timedelta(0) <= now - _last_purge < PURGE_INTERVAL:
        idempotency_keys_purge(now=now)
        _last_purge = now


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: str, headers: dict) -> None:
    """Stores the answer to replay; call inside the transaction of the request's writes."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.DONE, response_status=status, response_body=body, response_headers=headers
    )


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    """Forgets a claim whose request failed, so that a retry runs it again."""
    IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_PROGRESS).delete()


def idempotency_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Deletes the keys older than `IDEMPOTENCY_KEY_TTL`; returns how many. An indexed range delete, cheap."""
    cutoff = (now or timezone.now()) - key_ttl()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
