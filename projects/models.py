"""The projects domain: offices, the project tree, and what is measured under each project."""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import FieldCheckConstraint, non_negative, not_above, not_before, positive
from core.fields import area_field, money_field, percent_field, quantity_field, weight_field
from core.models import TimeStampedModel, VersionedModel
from core.numbers import percent

from .choices import (
    Category,
    ClearanceKind,
    LandKind,
    ProblemCategory,
    ProblemStatus,
    ProgressMethod,
    Status,
)
from .signals import project_saved


class Office(TimeStampedModel, VersionedModel):
    """A project office (项目指挥部 / 责任单位): owns projects and reports on them."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


class Project(TimeStampedModel, VersionedModel):
    """A key project (重点项目). Children (`parent`) are its bid sections, phases or sub-projects."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="projects")
    leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)
    total_investment = money_field(_("total investment (10,000 CNY)"), null=True, blank=True)
    progress_method = models.CharField(
        _("progress method"), max_length=20, choices=ProgressMethod.choices, default=ProgressMethod.QUANTITIES
    )
    manual_progress = percent_field(_("manual progress (%)"), null=True, blank=True)
    # Kept current by `reporting.progress` in the transaction of every write that moves it.
    progress = models.DecimalField(_("progress (%)"), max_digits=7, decimal_places=4, default=0, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["office", "code"]),
            models.Index(fields=["planned_finish"]),
            models.Index(fields=["progress"]),
        ]
        constraints = [
            FieldCheckConstraint(
                field="parent",
                condition=~Q(parent=models.F("pk")),
                name="project_not_own_parent",
                violation_error_message=_("A project cannot be its own parent."),
                violation_error_code="cycle",
            ),
            not_before("planned_finish", "planned_start"),
            not_before("actual_finish", "actual_start"),
            non_negative("total_investment"),
            non_negative("manual_progress"),
            FieldCheckConstraint(
                field="manual_progress",
                condition=Q(manual_progress__lte=100),
                name="project_manual_progress_lte_100",
                violation_error_message=_("Must not be above 100."),
                violation_error_code="max_value",
            ),
            FieldCheckConstraint(
                field="manual_progress",
                condition=~Q(progress_method=ProgressMethod.MANUAL) | Q(manual_progress__isnull=False),
                name="project_manual_progress_set_when_manual",
                violation_error_message=_("Required when progress_method is manual."),
                violation_error_code="required",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @classmethod
    def from_db(cls, db, field_names, values):
        project = super().from_db(db, field_names, values)
        project._stored_parent_id = project.__dict__.get("parent_id")
        return project

    def clean(self):
        super().clean()
        if not self._state.adding and self.parent_id != self._stored_parent_id:
            ProjectLink.objects.check_move(self)

    def save(self, *args, **kwargs):
        """Saves the row and keeps the tree's closure table in step, in one transaction."""
        with transaction.atomic():
            adding = self._state.adding
            previous_parent_id = getattr(self, "_stored_parent_id", self.parent_id)
            moved = not adding and self.parent_id != previous_parent_id
            if moved:
                ProjectLink.objects.lock_tree()
                ProjectLink.objects.check_move(self)
            super().save(*args, **kwargs)
            if adding:
                ProjectLink.objects.link_new(self)
            elif moved:
                ProjectLink.objects.relink_subtree(self)
            self._stored_parent_id = self.parent_id
            project_saved.send(sender=Project, project=self, previous_parent_id=previous_parent_id)


class ProjectLinkManager(models.Manager):
    """Maintains the closure table; every change to `Project.parent` goes through `Project.save`."""

    # Any fixed number: the advisory lock that makes moves in the tree take turns on PostgreSQL.
    TREE_LOCK_KEY = 7_401_001

    def lock_tree(self) -> None:
        # Two concurrent moves (A under B, B under A) could each pass the cycle check alone.
        # SQLite runs one write transaction at a time already.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.TREE_LOCK_KEY])

    def check_move(self, project: "Project") -> None:
        if project.parent_id is None:
            return
        if project.parent_id == project.pk or self.filter(ancestor=project, descendant_id=project.parent_id).exists():
            message = _("A project cannot be moved under itself or its descendants.")
            raise ValidationError({"parent": ValidationError(message, code="cycle")})

    def link_new(self, project: "Project") -> None:
        links = [self.model(ancestor=project, descendant=project, depth=0)]
        if project.parent_id is not None:
            links += [
                self.model(ancestor_id=ancestor_id, descendant=project, depth=depth + 1)
                for ancestor_id, depth in self.filter(descendant_id=project.parent_id).values_list(
                    "ancestor_id", "depth"
                )
            ]
        self.bulk_create(links)

    def relink_subtree(self, project: "Project") -> None:
        """Re-hangs `project` and everything under it below its new parent."""
        subtree = list(self.filter(ancestor=project).values_list("descendant_id", "depth"))
        subtree_ids = [descendant_id for descendant_id, _depth in subtree]
        self.filter(descendant_id__in=subtree_ids).exclude(ancestor_id__in=subtree_ids).delete()
        if project.parent_id is None:
            return
        new_ancestors = self.filter(descendant_id=project.parent_id).values_list("ancestor_id", "depth")
        self.bulk_create(
            self.model(ancestor_id=ancestor_id, descendant_id=descendant_id, depth=above + 1 + below)
            for ancestor_id, above in new_ancestors
            for descendant_id, below in subtree
        )


class ProjectLink(models.Model):
    """One row per (ancestor, descendant) pair of the project tree, each project its own ancestor at depth 0.

    It answers "everything under this project", at any depth, with one indexed join.
    """

    ancestor = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="descendant_links")
    descendant = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ancestor_links")
    depth = models.PositiveSmallIntegerField()

    objects = ProjectLinkManager()

    class Meta:
        ordering = ["ancestor_id", "depth"]
        verbose_name = _("project tree link")
        verbose_name_plural = _("project tree links")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="projectlink_unique_pair"),
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="projectlink_descendant")]

    def __str__(self):
        return f"{self.ancestor_id} → {self.descendant_id} ({self.depth})"


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
