"""Pagination of every list: limit/offset for tables, keyset cursors for clients that walk everything.

`?limit=&offset=` (50 by default, 500 at most) answers `{"count", "next", "previous", "results"}`.
`?cursor=` (empty to start) walks the list by id instead: each page costs the same however deep it
is, and rows added while walking are not skipped or seen twice. It answers `{"next", "results"}`;
`next` is null on the last page. A cursor walk always goes by id, so it takes no `ordering`.
"""

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self.cursor_query_param in request.query_params
        if not self.cursor_mode:
            return super().paginate_queryset(queryset, request, view)
        if request.query_params.get("ordering"):
            raise _invalid("ordering", _("A cursor walk goes by id; leave out ordering."))
        self.request = request
        self.limit = self.get_limit(request)
        after = _decode(request.query_params[self.cursor_query_param])
        rows = queryset.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        page = list(rows[: self.limit + 1])
        self.has_more = len(page) > self.limit
        self.page = page[: self.limit]
        return self.page

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response({"next": self.get_next_link(), "results": data})

    def get_next_link(self):
        if not self.cursor_mode:
            return super().get_next_link()
        if not self.has_more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, _encode(self.page[-1].pk))

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["next"]["description"] = "Link to the next page; with ?cursor=, the next cursor page."
        paginated["properties"]["count"]["description"] = "Rows matching the filters (absent in cursor walks)."
        paginated["required"] = ["results"]  # a cursor walk answers without `count`
        return paginated

    def get_schema_operation_parameters(self, view):
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Walk the list by id instead of limit/offset: empty to start, then the `next` link.",
            "schema": {"type": "string"},
        }
        return [*super().get_schema_operation_parameters(view), cursor]


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, pk = text.split(":", 1)
        if prefix == "id" and pk.isdigit() and int(pk) < 2**63:
            return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise _invalid("cursor", _("Not a cursor this API gave out."))


def _invalid(parameter: str, message) -> ValidationError:
    return ValidationError({parameter: [ErrorDetail(str(message), code="invalid")]})
