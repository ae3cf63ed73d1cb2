"""Check constraints that report their violation against one field, and the check of a row before it is written.

Django reports a failed `CheckConstraint` as a whole-object error. Clients need to know which
field to fix, so each of our constraints names the field it guards; `Model.validate_constraints()`
then files the error under that field and the API answers 400 naming it.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, router
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


def check_constraints(row: models.Model, changed: Iterable[str]) -> None:
    """Raises ValidationError, keyed by field, if `row` (unsaved) breaks a constraint that reads a changed field.

    The constraints that read only unchanged fields held before and still do. The CHECKs are tried together in
    one query first, since a good write is the usual case; only on a failure is each one asked, to name every
    fault. A unique constraint's fault is filed under its last field, the one that varies within its owner
    (`period` in (`project`, `period`)).
    """
    changed = set(changed)
    model = type(row)
    using = router.db_for_write(model, instance=row)
    constraints = [constraint for constraint in model._meta.constraints if _reads_any(constraint, changed)]
    if all(_holds_here(constraint, row) for constraint in constraints):
        return
    if _checks_all_hold(constraints, model, row, using):
        return
    errors: dict = {}
    for constraint in constraints:
        try:
            constraint.validate(model, row, using=using)
        except ValidationError as error:
            unique_fields = getattr(constraint, "fields", None)
            if unique_fields and not hasattr(error, "error_dict"):
                clash = [ValidationError(e.message, code=e.code or "unique", params=e.params) for e in error.error_list]
                error = ValidationError({unique_fields[-1]: clash})
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _holds_here(constraint: models.BaseConstraint, row: models.Model) -> bool:
    """Whether a CHECK holds for `row`, decided without a query; False when it fails or cannot be decided here."""
    return isinstance(constraint, models.CheckConstraint) and _truth(constraint.condition, row) is not False


# The lookups our CHECKs use, as SQL compares (None: unknown, which passes a CHECK).
_COMPARE = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


class _Undecided(Exception):
    """The condition uses something only the database evaluates."""


def _truth(condition, row: models.Model) -> bool | None:
    """`condition` (a Q of plain lookups) evaluated on `row` with SQL's three-valued logic; False also when it
    cannot be evaluated here, so that the database decides."""
    try:
        return _evaluate(condition, row)
    except _Undecided:
        return False


def _evaluate(condition, row: models.Model) -> bool | None:
    if isinstance(condition, models.Q):
        values = [_evaluate(child, row) for child in condition.children]
        if condition.connector == models.Q.AND:
            value = False if False in values else None if None in values else True
        else:
            value = True if True in values else None if None in values else False
        return (None if value is None else not value) if condition.negated else value
    if not isinstance(condition, tuple):
        raise _Undecided(condition)
    lookup, expected = condition
    name, _, operator = lookup.partition("__")
    operator = operator or "exact"
    if operator == "isnull":
        return (_value(row, name) is None) == expected
    actual = _value(row, name)
    if isinstance(expected, models.F):
        expected = _value(row, expected.name)
    if operator == "day":
        actual, operator = getattr(actual, "day", None), "exact"
    if operator not in _COMPARE or hasattr(expected, "resolve_expression"):
        raise _Undecided(condition)
    if actual is None or expected is None:
        return None
    try:
        return _COMPARE[operator](actual, expected)
    except TypeError:  # a value of the wrong type: the database will say
        raise _Undecided(condition) from None


def _value(row: models.Model, name: str):
    if name == "pk":
        return row.pk
    field = row._meta.get_field(name)
    return getattr(row, field.attname)


def _reads_any(constraint: models.BaseConstraint, names: set[str]) -> bool:
    if isinstance(constraint, models.CheckConstraint):
        return not models.Q(constraint.condition).referenced_base_fields.isdisjoint(names)
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        return not names.isdisjoint({*constraint.fields, *(f"{name}_id" for name in constraint.fields)})
    return True


def _checks_all_hold(constraints: list[models.BaseConstraint], model, row, using: str) -> bool:
    """Whether the constraints all hold, asked in one query; False also when some are not CHECKs."""
    if not all(isinstance(constraint, models.CheckConstraint) for constraint in constraints):
        return False
    together = models.CheckConstraint(condition=models.Q(*(c.condition for c in constraints)), name="together")
    try:
        together.validate(model, row, using=using)
    except ValidationError:
        return False
    return True
