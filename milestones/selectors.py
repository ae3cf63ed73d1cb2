"""Reads of milestones, with their date-dependent state computed in the database."""

import datetime

from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from core.expressions import DaysBetween

from .choices import DUE_SOON_DAYS, MilestoneState
from .models import Milestone


def overdue_filter(today: datetime.date) -> Q:
    """Not done, and its planned date is before today."""
    return Q(actual_date__isnull=True, planned_date__lt=today)


def due_within_filter(today: datetime.date, days: int) -> Q:
    """Not done, and planned from today up to `days` days ahead."""
    return Q(actual_date__isnull=True, planned_date__gte=today, planned_date__lte=today + datetime.timedelta(days))


def milestone_list(*, today: datetime.date) -> QuerySet[Milestone]:
    """Milestones with `state` and `days_overdue` (0 unless overdue) as of `today`."""
    return Milestone.objects.select_related("project").annotate(
        state=Case(
            When(actual_date__isnull=False, then=Value(MilestoneState.DONE)),
            When(overdue_filter(today), then=Value(MilestoneState.OVERDUE)),
            When(due_within_filter(today, DUE_SOON_DAYS), then=Value(MilestoneState.DUE_SOON)),
            default=Value(MilestoneState.UPCOMING),
            output_field=CharField(),
        ),
        days_overdue=Case(
            When(overdue_filter(today), then=Cast(DaysBetween(Value(today), "planned_date"), IntegerField())),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
