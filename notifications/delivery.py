"""Delivering one reminder on one channel: e-mail through Django's mail backend, or a signed webhook.

A webhook POSTs the JSON body with `X-Shuitou-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
body under the office's secret, and `X-Shuitou-Timestamp` (Unix seconds, also inside the signed body
as `sent_at`, so that a receiver can refuse replays). Every attempt is timed and recorded; a failure
that may pass (timeout, refused connection, 5xx, 408, 429) is retried after BACKOFF × 2ⁿ seconds, up
to ATTEMPTS tries; a 4xx or a redirect is final. Nothing here touches the database: attempts come back
as values, so that deliveries can run in threads while the caller writes the log.
"""

import hashlib
import hmac
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage

from .choices import Channel

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Shuitou-Signature"
TIMESTAMP_HEADER = "X-Shuitou-Timestamp"
RETRYABLE_STATUS = {408, 429}
# Only so much of an answer is read: the receiver's body is logged, never trusted.
MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class Attempt:
    number: int
    succeeded: bool
    status_code: int | None
    error: str
    duration_ms: int


@dataclass
class Delivery:
    """The outcome of one channel of one office's reminder, with every attempt made."""

    channel: Channel
    target: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].succeeded

    @property
    def last_error(self) -> str:
        return self.attempts[-1].error if self.attempts else ""


class DeliveryFailed(Exception):
    """A failed attempt; `retry` says whether another attempt may pass."""

    def __init__(self, message: str, *, status_code: int | None = None, retry: bool = True):
        super().__init__(message)
        self.status_code = status_code
        self.retry = retry


def sign(secret: str, body: bytes) -> str:
    """The value of the signature header: `sha256=` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_email(*, recipients: list[str], subject: str, body: str, label: str) -> Delivery:
    def send() -> int | None:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients).send()
        return None

    return _with_retries(Channel.EMAIL, ", ".join(recipients), send, label=label)


def deliver_webhook(*, url: str, secret: str, body: bytes, timestamp: int, label: str) -> Delivery:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "shuitou-tracker-reminders",
        SIGNATURE_HEADER: sign(secret, body),
        TIMESTAMP_HEADER: str(timestamp),
    }

    def send() -> int | None:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:
                response.read(MAX_RESPONSE_BYTES)
                return response.status
        except urllib.error.HTTPError as error:
            retry = error.code >= 500 or error.code in RETRYABLE_STATUS
            raise DeliveryFailed(f"HTTP {error.code}", status_code=error.code, retry=retry) from error
        except urllib.error.URLError as error:
            raise DeliveryFailed(_describe(error.reason)) from error
        except (TimeoutError, OSError) as error:
            raise DeliveryFailed(_describe(error)) from error

    return _with_retries(Channel.WEBHOOK, url, send, label=label)


def _with_retries(channel: Channel, target: str, send: Callable[[], int | None], *, label: str) -> Delivery:
    delivery = Delivery(channel=channel, target=target)
    attempts = max(1, settings.REMINDER_WEBHOOK_ATTEMPTS)
    for number in range(1, attempts + 1):
        started = time.monotonic()
        status_code, error, retry = None, "", False
        try:
            status_code = send()
        except DeliveryFailed as failure:
            status_code, error, retry = failure.status_code, str(failure), failure.retry
        except Exception as failure:  # a mail backend may raise anything (SMTP, socket, TLS)
            error, retry = _describe(failure), True
        attempt = Attempt(number, not error, status_code, error, round((time.monotonic() - started) * 1000))
        delivery.attempts.append(attempt)
        log = logger.info if attempt.succeeded else logger.warning
        log(
            "reminder %s %s to %s: attempt %d/%d %s (status %s, %d ms)",
            label,
            channel,
            target,
            number,
            attempts,
            "ok" if attempt.succeeded else f"failed: {error}",
            status_code,
            attempt.duration_ms,
        )
        if attempt.succeeded or not retry or number == attempts:
            break
        time.sleep(settings.REMINDER_WEBHOOK_BACKOFF * 2 ** (number - 1))
    return delivery


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a hop: urllib would turn the POST into a GET and drop the body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _describe(error: BaseException | str) -> str:
    if isinstance(error, TimeoutError) or "timed out" in str(error):
        return f"timed out after {settings.REMINDER_WEBHOOK_TIMEOUT:g} s"
    return f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error)
