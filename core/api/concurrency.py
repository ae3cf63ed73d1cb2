"""No lost updates: an `ETag` on every answer that shows one row, and `If-Match` on every change of it.

The ETag names the row's stored version (`"project-12-v7"`, `core.models.VersionedModel`), which every
write raises. `PUT`, `PATCH` and `DELETE` with an `If-Match` that names no current version answer 412
with the current ETag and change nothing; `If-Match: *` or none at all proceed. A malformed If-Match
cannot match any version, so it is a 412 as well (RFC 9110 §13.1.1), its detail saying so.

The check runs twice: on the row the request read (before validation, so a stale client learns that
first), and again by the write service, inside its transaction with the row locked (`SELECT … FOR UPDATE`,
`core.concurrency.lock_row`), so that two writers holding the same ETag cannot both pass: the second waits
for the first to commit, then sees the new version. The view passes the service the versions If-Match
names (`if_match_versions`), and answers the service's `StaleVersion` with 412 and the current ETag.

The ETag is a version of what is stored, not a hash of the body: figures computed at read time
(planned progress, sums over the subtree) can change while it stays the same. It serves If-Match,
not caching.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from core.concurrency import StaleVersion
from core.models import VersionedModel

WRITE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
# RFC 9110 entity-tag: optional weak prefix, then an opaque quoted string.
ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = _(
        "The object has changed since you read it: If-Match does not match its current ETag. "
        "Read it again, and send the new ETag."
    )

    def __init__(self, detail=None, *, etag: str):
        super().__init__(detail)
        self.etag = etag


def etag_of(instance: models.Model) -> str | None:
    """The strong ETag of the row's stored version; None for models without one."""
    if not isinstance(instance, VersionedModel) or instance.pk is None:
        return None
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}"'


def parse_if_match(value: str) -> set[str] | None:
    """The strong tags an If-Match names (`"…"` with quotes); None for `*`; raises ValueError if malformed.

    Weak tags never match under If-Match's strong comparison, so they are left out.
    """
    value = value.strip()
    if value == "*":
        return None
    tags, position = set(), 0
    while position < len(value):
        match = ENTITY_TAG.match(value, position)
        if match is None or match.end() == position:
            raise ValueError(value)
        if not match.group(1):
            tags.add(f'"{match.group(2)}"')
        position = match.end()
    if position == 0:
        raise ValueError(value)
    return tags


class ConditionalWriteMixin:
    """ETag on detail reads and on the 200/201 of writes; If-Match checked before each write, and its versions
    handed to the write service (`if_match_versions`), which checks them again under the row's lock."""

    def get_object(self):
        instance = super().get_object()
        if self.request.method in WRITE_METHODS:
            self.check_if_match(etag_of(instance))
        return instance

    def retrieve(self, request, *args, **kwargs):
        return self._with_etag(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self._with_etag(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return self._with_etag(super().update(request, *args, **kwargs))

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if not kwargs.get("many"):
            # The serializer whose instance a detail answer shows: its version is the answer's ETag.
            self._shown_serializer = serializer
        return serializer

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion):
            exc = PreconditionFailed(etag=etag_of(exc.row))
        response = super().handle_exception(exc)
        if isinstance(exc, PreconditionFailed):
            response["ETag"] = exc.etag
        return response

    def check_if_match(self, current_etag: str | None) -> None:
        """Raises PreconditionFailed unless the request's If-Match names `current_etag` (or is `*` or absent)."""
        header = self.request.headers.get("If-Match")
        if header is None or current_etag is None:
            return
        try:
            tags = parse_if_match(header)
        except ValueError:
            raise PreconditionFailed(
                _("The If-Match header is malformed: send the ETag exactly as received, quotes included."),
                etag=current_etag,
            ) from None
        if tags is not None and current_etag not in tags:
            raise PreconditionFailed(etag=current_etag)

    def if_match_versions(self, instance: models.Model) -> set[int] | None:
        """The versions of `instance` that the request's If-Match names (empty: none can match); None when it names
        none at all (`*` or no header) or the model has no version."""
        header = self.request.headers.get("If-Match")
        if header is None or not isinstance(instance, VersionedModel):
            return None
        try:
            tags = parse_if_match(header)
        except ValueError:
            return set()
        if tags is None:
            return None
        prefix = f'"{instance._meta.model_name}-{instance.pk}-v'
        return {
            int(tag[len(prefix) : -1]) for tag in tags if tag.startswith(prefix) and tag[len(prefix) : -1].isdigit()
        }

    def _with_etag(self, response):
        serializer = getattr(self, "_shown_serializer", None)
        etag = etag_of(serializer.instance) if serializer is not None else None
        if etag is not None and status.is_success(response.status_code):
            response["ETag"] = etag
        return response
