"""The project tree: offices, projects and the closure table that answers "everything under this project"."""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.constraints import FieldCheckConstraint, non_negative, not_before
from core.fields import money_field, percent_field, progress_field
from core.models import TimeStampedModel, VersionedModel

from ..choices import Category, ProgressMethod, Status


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
    # Kept current by `projects.progress` in the transaction of every write that moves it.
    progress = progress_field(_("progress (%)"), default=0, editable=False)

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
        """Saves the row and keeps the tree's closure table in step, in the caller's transaction (or one of its own)."""
        with transaction.atomic(savepoint=False):
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
