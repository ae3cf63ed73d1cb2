"""Percentages as the API gives them: 0 to 100, one decimal, never a float in between."""

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def percent(part, whole, *, cap: bool = True) -> Decimal | None:
    """`part / whole × 100` rounded to one decimal, capped at 100; None when `whole` is zero or unknown."""
    if part is None or not whole:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    if cap:
        value = min(value, Decimal(100))
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
