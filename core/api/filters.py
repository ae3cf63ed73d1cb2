"""Filter building blocks shared by every list endpoint.

Filters refuse values they do not understand (400 naming the parameter) instead of ignoring
them, so a client never mistakes an unfiltered list for a filtered one.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters


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


class TimeStampedFilterSet(filters.FilterSet):
    """Adds `updated_since` (ISO 8601 timestamp) for incremental sync."""

    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Changed at or after this time (ISO 8601)")
    )
