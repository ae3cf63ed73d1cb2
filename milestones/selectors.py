"""Reads of milestones."""

from django.db.models import QuerySet

from .models import Milestone


def milestone_list() -> QuerySet[Milestone]:
    return Milestone.objects.all()
