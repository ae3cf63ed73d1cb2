"""`Idempotency-Key` on POST: a retry of the same request gets the first answer and creates nothing.

`idempotent` wraps any POST handler (`create` of every domain viewset through `IdempotentCreateMixin`,
or an APIView's `post`). With the header, the same user's retry with the same method, path and body
answers the stored first response (status, body, ETag), marked `Idempotent-Replayed: true`; the same key
with another request answers 422; a retry while the first is still running answers 409 with
`Retry-After`. Only 2xx answers are kept: after an error the key is free again. Storage and races:
`core.idempotency`.
"""

import functools
import json
import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.idempotency import (
    KEY_MAX_LENGTH,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
    request_fingerprint,
)
from core.models import IdempotencyKey

from .problems import Conflict

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The headers of the first answer that a replay repeats.
REPLAYED_HEADERS = ("ETag", "Location", "Content-Location")
KEY_PATTERN = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used for a different request. Use a new key.")


class IdempotencyKeyInUse(Conflict):
    default_code = "idempotency_key_in_use"
    default_detail = _("A request with this Idempotency-Key is still being processed. Retry shortly.")
    wait = 1  # seconds, sent as Retry-After


def idempotent(handler):
    """Decorates a POST handler `(view, request, *args, **kwargs) -> Response` with Idempotency-Key handling."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            with transaction.atomic():  # the write's one transaction, as with a key
                return handler(view, request, *args, **kwargs)
        _check_key(key)
        fingerprint = request_fingerprint(method=request.method, path=request.get_full_path(), data=request.data)
        claim = idempotency_key_claim(user=request.user, key=key, fingerprint=fingerprint)
        if not claim.owned:
            return _answer_for_earlier(claim.record, fingerprint)
        try:
            # The request's writes and the stored answer commit together, or neither does.
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if status.is_success(response.status_code):
                    idempotency_key_complete(
                        record=claim.record,
                        status=response.status_code,
                        body="" if response.data is None else json.dumps(response.data, cls=JSONEncoder),
                        headers={name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)},
                    )
                    return response
        except BaseException:
            idempotency_key_release(record=claim.record)
            raise
        idempotency_key_release(record=claim.record)
        return response

    return wrapper


class IdempotentCreateMixin:
    """`create` honours Idempotency-Key."""

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


def _check_key(key: str) -> None:
    if len(key) > KEY_MAX_LENGTH:
        message = _("At most %(limit)d characters.") % {"limit": KEY_MAX_LENGTH}
        raise exceptions.ValidationError({HEADER: [ErrorDetail(message, code="max_length")]})
    if not KEY_PATTERN.fullmatch(key):
        message = _("Must be 1 to %(limit)d printable ASCII characters, e.g. a UUID.") % {"limit": KEY_MAX_LENGTH}
        raise exceptions.ValidationError({HEADER: [ErrorDetail(message, code="invalid")]})


def _answer_for_earlier(record: IdempotencyKey | None, fingerprint: str) -> Response:
    if record is not None and record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record is None or record.state != IdempotencyKey.State.DONE:
        raise IdempotencyKeyInUse()
    body = json.loads(record.response_body) if record.response_body else None
    return Response(body, status=record.response_status, headers={**record.response_headers, REPLAYED_HEADER: "true"})
