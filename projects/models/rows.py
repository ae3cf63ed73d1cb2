"""What is measured under a project: work quantities, land, demolitions, clearance, investment, problems."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import FieldCheckConstraint, non_negative, not_above, not_before, positive
from core.fields import area_field, money_field, quantity_field, weight_field
from core.models import TimeStampedModel, VersionedModel
from core.numbers import percent

from ..choices import ClearanceKind, LandKind, ProblemCategory, ProblemStatus
from .tree import Project


class ProjectRow(TimeStampedModel, VersionedModel):
    """Base of the rows measured under one project."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE)

    class Meta:
        abstract = True
        ordering = ["project_id", "id"]


class WorkItem(ProjectRow):
    """A work quantity (工程量): a measurable part of the works, e.g. subgrade in m or floors built."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20)
    planned_quantity = quantity_field(_("planned quantity"))
    completed_quantity = quantity_field(_("completed quantity"), default=0)
    weight = weight_field(_("weight"))

    class Meta(ProjectRow.Meta):
        default_related_name = "work_items"
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        constraints = [non_negative("planned_quantity"), non_negative("completed_quantity"), positive("weight")]

    def __str__(self):
        return self.name

    @property
    def progress(self):
        """`min(completed / planned, 1) × 100`; None when nothing is planned."""
        return percent(self.completed_quantity, self.planned_quantity)


class LandAcquisition(ProjectRow):
    """Land taken for a project in one village (土地征收 / 征用 / 租用 / 流转), in mu."""

    village = models.CharField(_("village"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LandKind.choices, default=LandKind.EXPROPRIATION)
    planned_area_mu = area_field(_("planned area (mu)"))
    completed_area_mu = area_field(_("completed area (mu)"), default=0)

    class Meta(ProjectRow.Meta):
        default_related_name = "land_acquisitions"
        verbose_name = _("land acquisition")
        verbose_name_plural = _("land acquisitions")
        constraints = [
            non_negative("planned_area_mu"),
            non_negative("completed_area_mu"),
            not_above("completed_area_mu", "planned_area_mu"),
        ]

    def __str__(self):
        return f"{self.village} {self.get_kind_display()}"

    @property
    def progress(self):
        return percent(self.completed_area_mu, self.planned_area_mu)


class Demolition(ProjectRow):
    """House relocation in one village (房屋征迁): agreements signed and rooms torn down."""

    village = models.CharField(_("village"), max_length=100, blank=True)
    planned_rooms = models.PositiveIntegerField(_("planned rooms"))
    agreements_signed = models.PositiveIntegerField(_("agreements signed"), default=0)
    rooms_demolished = models.PositiveIntegerField(_("rooms demolished"), default=0)

    class Meta(ProjectRow.Meta):
        default_related_name = "demolitions"
        verbose_name = _("demolition")
        verbose_name_plural = _("demolitions")
        constraints = [
            not_above("agreements_signed", "planned_rooms"),
            not_above("rooms_demolished", "planned_rooms"),
        ]

    def __str__(self):
        return f"{self.village} ({self.planned_rooms})"

    @property
    def agreement_progress(self):
        return percent(self.agreements_signed, self.planned_rooms)

    @property
    def demolition_progress(self):
        return percent(self.rooms_demolished, self.planned_rooms)


class ClearanceItem(ProjectRow):
    """Other site clearance (政策处理): graves moved, fish ponds taken, crops compensated."""

    kind = models.CharField(_("kind"), max_length=20, choices=ClearanceKind.choices)
    unit = models.CharField(_("unit"), max_length=20)
    planned = quantity_field(_("planned"))
    completed = quantity_field(_("completed"), default=0)

    class Meta(ProjectRow.Meta):
        default_related_name = "clearance_items"
        verbose_name = _("clearance item")
        verbose_name_plural = _("clearance items")
        constraints = [non_negative("planned"), non_negative("completed"), not_above("completed", "planned")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.unit})"

    @property
    def progress(self):
        return percent(self.completed, self.planned)


class Investment(ProjectRow):
    """Money invested in a project in one month (完成投资), in 万元."""

    period = models.DateField(_("period (first day of the month)"))
    amount = money_field(_("amount (10,000 CNY)"))

    class Meta(ProjectRow.Meta):
        ordering = ["project_id", "period"]
        default_related_name = "investments"
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            non_negative("amount"),
            FieldCheckConstraint(
                field="period",
                condition=Q(period__day=1),
                name="investment_period_first_of_month",
                violation_error_message=_("Must be the first day of a month."),
                violation_error_code="invalid",
            ),
            models.UniqueConstraint(
                fields=["project", "period"],
                name="investment_one_per_month",
                violation_error_message=_("This project already has an investment for this month."),
            ),
        ]

    def __str__(self):
        # `period` is still text on a row created from strings, and the audit trail names it before a refresh.
        period = self.period.strftime("%Y-%m") if hasattr(self.period, "strftime") else str(self.period)[:7]
        return f"{period}: {self.amount}"


class Problem(TimeStampedModel, VersionedModel):
    """A problem raised (存在问题): of one project, or town-wide when `project` is empty."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), null=True, blank=True, on_delete=models.CASCADE, related_name="problems"
    )
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = [
            not_before("due_on", "raised_on"),
            not_before("resolved_on", "raised_on"),
            FieldCheckConstraint(
                field="resolved_on",
                condition=Q(status=ProblemStatus.RESOLVED) | Q(resolved_on__isnull=True),
                name="problem_resolved_on_only_when_resolved",
                violation_error_message=_("Only a resolved problem has a resolution date."),
                violation_error_code="invalid",
            ),
        ]

    def __str__(self):
        return self.description[:60]
