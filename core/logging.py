"""Logs as JSON lines, each carrying the id of the request it was written during.

`JsonFormatter` writes a fixed set of fields and a whitelist of `extra` fields, never the whole record:
Django attaches the request object to some records, and its headers may hold tokens.
`RequestIdFilter` stamps every record with the current request's id (set by `RequestLogMiddleware`).
"""

import datetime
import json
import logging
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# `extra` fields that may appear in a line; anything else on a record is left out.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "username")


def set_request_id(request_id: str | None):
    """Sets the current request id; returns the token to pass to `reset_request_id`."""
    return _request_id.set(request_id)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a response's 4xx/5xx after the middleware has finished, with the request attached.
            record.request_id = _request_id.get() or getattr(getattr(record, "request", None), "request_id", None)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, request_id,
    the whitelisted extras, and the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "timestamp": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
