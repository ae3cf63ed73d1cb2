"""Reads of the projects app: querysets with what their serializers need, fetched up front."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import ClearanceItem, Demolition, Investment, LandAcquisition, Office, Problem, Project, WorkItem


def office_list() -> QuerySet[Office]:
    """Offices with `project_count`, counted in a subquery so that later joins cannot inflate it."""
    counts = Project.objects.filter(office=OuterRef("pk")).order_by().values("office").annotate(n=Count("pk"))
    return Office.objects.annotate(project_count=Coalesce(Subquery(counts.values("n")), 0))


def work_item_list() -> QuerySet[WorkItem]:
    return WorkItem.objects.all()


def land_acquisition_list() -> QuerySet[LandAcquisition]:
    return LandAcquisition.objects.all()


def demolition_list() -> QuerySet[Demolition]:
    return Demolition.objects.all()


def clearance_item_list() -> QuerySet[ClearanceItem]:
    return ClearanceItem.objects.all()


def investment_list() -> QuerySet[Investment]:
    return Investment.objects.all()


def problem_list() -> QuerySet[Problem]:
    return Problem.objects.all()
