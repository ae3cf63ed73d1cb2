"""Progress reports: what a project office reported, the values each change replaced, and the
project's figures right after, kept append-only as the history that charts and supervisors read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import progress_field
from core.models import TimeStampedModel

from ..choices import ChangeTarget
from ..figures import stored_figures_model
from .tree import Office, Project


class ProgressReport(TimeStampedModel):
    """One report of a project office on one project (and the rows of its descendants)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    # The project's office when the report was filed: reports stay with the office that made them.
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("reported on"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["project", "reported_on"]), models.Index(fields=["office", "reported_on"])]

    def __str__(self):
        # Without the project's name: naming a report (as its audit entry does) costs no query.
        return f"#{self.pk} {self.reported_on}"


class ReportChange(models.Model):
    """One field of one row that a report changed, with its value before and after (as text)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="changes")
    target = models.CharField(_("target"), max_length=20, choices=ChangeTarget.choices)
    object_id = models.BigIntegerField(_("object id"))
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("field"), max_length=50)
    # Decimals and dates as their text, so that no precision is lost; null where there was no value.
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name = _("report change")
        verbose_name_plural = _("report changes")

    def __str__(self):
        return f"{self.target} {self.object_id}.{self.field}: {self.before} → {self.after}"


class ReportFigures(stored_figures_model()):
    """A project's figures right after a report: one point of its history; a column per sum of `projects.figures`.

    Kept for the report's project, every project whose rows the report changed, and all their ancestors.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="figures")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")
    progress = progress_field(_("progress (%)"))

    class Meta:
        ordering = ["project_id", "report__reported_on", "report_id"]
        verbose_name = _("figures after a report")
        verbose_name_plural = _("figures after reports")
        constraints = [models.UniqueConstraint(fields=["project", "report"], name="reportfigures_one_per_project")]

    def __str__(self):
        return f"{self.project_id} after report {self.report_id}"
