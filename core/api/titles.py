"""The `title` of a problem: the HTTP status in words, in the request's language."""

from http import HTTPStatus

from django.utils.translation import pgettext_lazy

STATUS_TITLES = {
    400: pgettext_lazy("HTTP status", "Bad Request"),
    401: pgettext_lazy("HTTP status", "Unauthorized"),
    403: pgettext_lazy("HTTP status", "Forbidden"),
    404: pgettext_lazy("HTTP status", "Not Found"),
    405: pgettext_lazy("HTTP status", "Method Not Allowed"),
    406: pgettext_lazy("HTTP status", "Not Acceptable"),
    409: pgettext_lazy("HTTP status", "Conflict"),
    412: pgettext_lazy("HTTP status", "Precondition Failed"),
    413: pgettext_lazy("HTTP status", "Content Too Large"),
    415: pgettext_lazy("HTTP status", "Unsupported Media Type"),
    422: pgettext_lazy("HTTP status", "Unprocessable Content"),
    423: pgettext_lazy("HTTP status", "Locked"),
    428: pgettext_lazy("HTTP status", "Precondition Required"),
    429: pgettext_lazy("HTTP status", "Too Many Requests"),
    500: pgettext_lazy("HTTP status", "Internal Server Error"),
    503: pgettext_lazy("HTTP status", "Service Unavailable"),
}


def status_title(status: int) -> str:
    """The status's title in the active language; the English phrase for a status we do not translate."""
    title = STATUS_TITLES.get(status)
    return str(title) if title is not None else HTTPStatus(status).phrase
