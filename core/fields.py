"""Decimal fields with the one precision decision held in settings (money, area, quantity, weight, percentages)."""

from decimal import Decimal

from django.conf import settings
from django.db import models


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in 万元 (10,000 CNY)."""
    return models.DecimalField(
        verbose_name, max_digits=settings.MONEY_MAX_DIGITS, decimal_places=settings.MONEY_DECIMAL_PLACES, **kwargs
    )


def area_field(verbose_name, **kwargs) -> models.DecimalField:
    """An area in mu (亩)."""
    return models.DecimalField(
        verbose_name, max_digits=settings.AREA_MAX_DIGITS, decimal_places=settings.AREA_DECIMAL_PLACES, **kwargs
    )


def quantity_field(verbose_name, **kwargs) -> models.DecimalField:
    """A work quantity in the row's own unit (m, m³, 座, 层 …)."""
    return models.DecimalField(
        verbose_name,
        max_digits=settings.QUANTITY_MAX_DIGITS,
        decimal_places=settings.QUANTITY_DECIMAL_PLACES,
        **kwargs,
    )


def weight_field(verbose_name, **kwargs) -> models.DecimalField:
    """A relative weight in a weighted average; positive."""
    kwargs.setdefault("default", Decimal("1"))
    return models.DecimalField(
        verbose_name, max_digits=settings.WEIGHT_MAX_DIGITS, decimal_places=settings.WEIGHT_DECIMAL_PLACES, **kwargs
    )


def percent_field(verbose_name, **kwargs) -> models.DecimalField:
    """A percentage from 0 to 100 entered by hand, with one decimal."""
    return models.DecimalField(
        verbose_name, max_digits=settings.PERCENT_MAX_DIGITS, decimal_places=settings.PERCENT_DECIMAL_PLACES, **kwargs
    )


def progress_field(verbose_name, **kwargs) -> models.DecimalField:
    """Stored progress in %: more decimals than the API shows (one), so that averages of averages stay exact."""
    return models.DecimalField(
        verbose_name, max_digits=settings.PROGRESS_MAX_DIGITS, decimal_places=settings.PROGRESS_DECIMAL_PLACES, **kwargs
    )
