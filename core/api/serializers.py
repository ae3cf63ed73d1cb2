"""Base serializer and read-only fields of the domain's API shapes."""

from decimal import ROUND_HALF_UP

from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.numbers import percent

INT32_MAX = 2**31 - 1


class DomainModelSerializer(serializers.ModelSerializer):
    """Checks the shape of a domain row: types, lengths, ranges. The rules (the model's constraints) are the write
    service's to check on the row as it would be written (`core.constraints.check_constraints`), so they hold on
    every write path and answer the same 400 naming the field."""

    def get_unique_together_validators(self):
        # A unique constraint is a rule like the others: checked by the service, in its transaction.
        return []

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        # SQLite takes 64-bit integers where PostgreSQL's `integer` holds 32 bits: the API takes the same range
        # on both, so a value one database stores (and later overflows a sum with) is not a 500 on the other.
        if isinstance(model_field, models.IntegerField) and not isinstance(model_field, models.BigIntegerField):
            if "max_value" in field_kwargs:
                field_kwargs["max_value"] = min(field_kwargs["max_value"], INT32_MAX)
            if "min_value" in field_kwargs:
                field_kwargs["min_value"] = max(field_kwargs["min_value"], -INT32_MAX - 1)
        return field_class, field_kwargs


class ChoiceLabelField(serializers.CharField):
    """Read-only label of a choice field, in the request's language (`category_label`).

    Labels are looked up in a table made once per language: `get_<field>_display()` costs a
    translation and a signature inspection per row, a third of a 50-row page's time.
    """

    def __init__(self, choice_field: str, **kwargs):
        self.choice_field = choice_field
        self.labels_by_language: dict[str, dict] = {}
        super().__init__(source=choice_field, read_only=True, **kwargs)

    def bind(self, field_name, parent):
        unlabelled = self.label is None
        super().bind(field_name, parent)
        model_field = parent.Meta.model._meta.get_field(self.choice_field)
        self.choices = model_field.flatchoices
        if unlabelled:  # "Category name" / "类别名称": an export's column header
            self.label = format_lazy(_("{field} name"), field=capfirst(model_field.verbose_name))

    def to_representation(self, value):
        language = get_language()
        labels = self.labels_by_language.get(language)
        if labels is None:
            labels = self.labels_by_language[language] = {key: str(label) for key, label in self.choices}
        return labels.get(value, value)


class SumField(serializers.DecimalField):
    """A read-only sum over many rows (a subtree, a province): two decimals and no fixed number of digits, since
    quantizing a large sum to a column's digits would fail."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=None, decimal_places=2, **kwargs)


@extend_schema_field({"type": "number", "minimum": -100, "maximum": 100})
class PercentField(serializers.DecimalField):
    """A read-only percentage: a JSON number with one decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=5, decimal_places=1, coerce_to_string=False, rounding=ROUND_HALF_UP, **kwargs)


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 100, "nullable": True})
class RatioField(PercentField):
    """`part / whole × 100` of two figures of the same row, capped at 100; null when `whole` is zero."""

    def __init__(self, part: str, whole: str, **kwargs):
        self.part, self.whole = part, whole
        super().__init__(source="*", allow_null=True, **kwargs)

    def to_representation(self, instance):
        value = percent(getattr(instance, self.part), getattr(instance, self.whole))
        return None if value is None else super().to_representation(value)


def figure_fields(figures) -> dict[str, serializers.Field]:
    """Read-only fields for declared figures (`projects.figures`): a sum (`name`, `counted`, `label`, `help_text`)
    as a whole number or a `SumField`, a ratio (`part`, `whole`) as a `RatioField`."""
    fields = {}
    for figure in figures:
        if hasattr(figure, "part"):
            fields[figure.name] = RatioField(figure.part, figure.whole, label=figure.label)
        elif figure.counted:
            fields[figure.name] = serializers.IntegerField(
                read_only=True, label=figure.label, help_text=figure.help_text
            )
        else:
            fields[figure.name] = SumField(label=figure.label, help_text=figure.help_text)
    return fields


def decimal_field_like(model: type[models.Model], name: str, **kwargs) -> serializers.DecimalField:
    """A decimal input with the precision of a model's column, which settings decide once per kind of number."""
    column = model._meta.get_field(name)
    return serializers.DecimalField(max_digits=column.max_digits, decimal_places=column.decimal_places, **kwargs)
