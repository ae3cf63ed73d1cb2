"""A check constraint that reports its violation against one field.

Django reports a failed `CheckConstraint` as a whole-object error. Clients need to know which
field to fix, so each of our constraints names the field it guards; `Model.validate_constraints()`
then files the error under that field and the API answers 400 naming it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class FieldCheckConstraint(models.CheckConstraint):
    """`CheckConstraint` whose validation error is keyed by `field`."""

    def __init__(self, *, field: str, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=None):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from error

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field


def non_negative(field: str) -> FieldCheckConstraint:
    return FieldCheckConstraint(
        field=field,
        condition=models.Q(**{f"{field}__gte": 0}),
        name=f"%(class)s_{field}_gte_0",
        violation_error_message=_("Must not be negative."),
        violation_error_code="min_value",
    )


def positive(field: str) -> FieldCheckConstraint:
    return FieldCheckConstraint(
        field=field,
        condition=models.Q(**{f"{field}__gt": 0}),
        name=f"%(class)s_{field}_gt_0",
        violation_error_message=_("Must be greater than zero."),
        violation_error_code="min_value",
    )


def not_above(field: str, limit: str) -> FieldCheckConstraint:
    return FieldCheckConstraint(
        field=field,
        condition=models.Q(**{f"{field}__lte": models.F(limit)}),
        name=f"%(class)s_{field}_lte_{limit}",
        violation_error_message=format_lazy(_("Must not be above {limit}."), limit=limit),
        violation_error_code="above_limit",
    )


def not_before(field: str, earlier: str) -> FieldCheckConstraint:
    """`field` is on or after `earlier` when both are set (NULL passes a CHECK)."""
    return FieldCheckConstraint(
        field=field,
        condition=models.Q(**{f"{field}__gte": models.F(earlier)}),
        name=f"%(class)s_{field}_gte_{earlier}",
        violation_error_message=format_lazy(_("Must not be before {earlier}."), earlier=earlier),
        violation_error_code="date_order",
    )
