"""factory_boy factories for every domain model; tests build their data with these."""

import datetime
from decimal import Decimal

import factory
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from milestones.models import Milestone
from projects import models
from projects.progress import refresh_progress


class KeepsProgressCurrent:
    """Rows a factory saves directly, not through a write service, refresh stored progress as the services do."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with transaction.atomic():  # the refresh locks the rows it reads
            row = super()._create(model_class, *args, **kwargs)
            refresh_progress(project_ids=[row.pk if isinstance(row, models.Project) else row.project_id])
        return row


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Office

    code = factory.Sequence(lambda n: f"office-{n}")
    name = factory.Sequence(lambda n: f"指挥部{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass")
    office = factory.SubFactory(OfficeFactory)
    role = Role.EDITOR


class ProjectFactory(KeepsProgressCurrent, factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"项目{n}")
    office = factory.SubFactory(OfficeFactory)
    category = "water"
    status = "in_progress"


class WorkItemFactory(KeepsProgressCurrent, factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkItem

    project = factory.SubFactory(ProjectFactory)
    name = "路基"
    unit = "m"
    planned_quantity = Decimal("100")
    completed_quantity = Decimal("40")


class LandAcquisitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LandAcquisition

    project = factory.SubFactory(ProjectFactory)
    village = "中元村"
    kind = "expropriation"
    planned_area_mu = Decimal("60")
    completed_area_mu = Decimal("57")


class DemolitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Demolition

    project = factory.SubFactory(ProjectFactory)
    village = "水头村"
    planned_rooms = 600
    agreements_signed = 552
    rooms_demolished = 345


class ClearanceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClearanceItem

    project = factory.SubFactory(ProjectFactory)
    kind = "graves"
    unit = "座"
    planned = Decimal("104")
    completed = Decimal("104")


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Investment

    project = factory.SubFactory(ProjectFactory)
    period = factory.Sequence(lambda n: datetime.date(2018 + n // 12, n % 12 + 1, 1))
    amount = Decimal("300")


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Problem

    project = factory.SubFactory(ProjectFactory)
    category = "funding"
    description = "建设资金缺乏"
    raised_on = datetime.date(2018, 6, 11)


class MilestoneFactory(KeepsProgressCurrent, factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = "开工"
    planned_date = datetime.date(2018, 10, 1)
