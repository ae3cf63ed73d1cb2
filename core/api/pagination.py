"""Limit/offset pagination as the API contract fixes it: 50 rows by default, 500 at most."""

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
