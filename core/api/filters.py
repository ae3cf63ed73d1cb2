"""Filter building blocks shared by every list endpoint.

Filters refuse values they do not understand (400 naming the parameter) instead of ignoring
them, so a client never mistakes an unfiltered list for a filtered one.
"""

import datetime

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.utils import translate_validation
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ErrorDetail, ValidationError


class StrictBooleanField(forms.Field):
    """Accepts `true`/`false` (and `1`/`0`); anything else is an error, not "no filter"."""

    TRUE, FALSE = ("true", "1"), ("false", "0")
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The default widget reads unknown words as "no value"; a plain text input passes them on.
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 timestamp, handed to the database in UTC.

    PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows (`+19:07`), and a date at the edge of the
    calendar can leave it when moved to UTC: both are a 400 naming the parameter, not a database error.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


# The largest id a 64-bit column holds (BigAutoField, SQLite INTEGER): beyond it a lookup would overflow.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A row's id: a whole number that fits the column (`?user=1e30` is a 400, not a database overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class TimeStampedFilterSet(filters.FilterSet):
    """Adds `updated_since` (ISO 8601 timestamp) for incremental sync."""

    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after this time (ISO 8601)")
    )


class SearchFilter(drf_filters.SearchFilter):
    """`?search=`: a value DRF refuses (a NUL character) is a 400 naming `search`, like every other parameter."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from error


class OrderingFilter(drf_filters.OrderingFilter):
    """`?ordering=a,-b`: refuses unknown fields (400 naming `ordering`), puts empty values last in both
    directions (SQLite and PostgreSQL disagree otherwise), and breaks ties by id so pages are stable."""

    def get_ordering(self, request, queryset, view):
        requested = request.query_params.get(self.ordering_param)
        if not requested:
            return self.get_default_ordering(view)
        fields = [field.strip() for field in requested.split(",") if field.strip()]
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [field for field in fields if field.lstrip("-") not in allowed]
        if unknown:
            message = _("Unknown ordering field(s): %(unknown)s. Choose from: %(allowed)s.") % {
                "unknown": ", ".join(unknown),
                "allowed": ", ".join(sorted(allowed)),
            }
            raise ValidationError({self.ordering_param: [ErrorDetail(message, code="invalid")]})
        return fields

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*map(self._nulls_last, ordering), "pk")

    @staticmethod
    def _nulls_last(field: str):
        return F(field[1:]).desc(nulls_last=True) if field.startswith("-") else F(field).asc(nulls_last=True)


def filtered(filterset_class, request, queryset):
    """`queryset` through `filterset_class` and the request's query string, for views outside a viewset's list;
    a bad parameter answers 400 naming it, as on the lists."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs
