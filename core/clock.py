""" "Today" for every figure that depends on the date, from one place tests can move (time-machine)."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """The calendar date in the configured time zone (Asia/Shanghai)."""
    return timezone.localdate()
