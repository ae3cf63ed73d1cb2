"""Reads of the projects app: querysets with what their serializers need, fetched up front."""

from django.db.models import QuerySet

from .models import ClearanceItem, Demolition, Investment, LandAcquisition, Office, Problem, Project, WorkItem


def office_list() -> QuerySet[Office]:
    return Office.objects.all()


def project_list() -> QuerySet[Project]:
    return Project.objects.all()


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
