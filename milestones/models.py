"""Milestones (开工, 竣工, …): the dates a project promised and the dates it met."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.constraints import positive
from core.fields import weight_field
from core.models import TimeStampedModel, VersionedModel


class Milestone(TimeStampedModel, VersionedModel):
    """A dated step of a project; done once it has an `actual_date`."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("name"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    weight = weight_field(_("weight"))
    delay_reason = models.TextField(_("delay reason"), blank=True)

    class Meta:
        ordering = ["planned_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # Overdue and due-soon questions only ever look at open milestones.
            models.Index(
                fields=["planned_date"], condition=models.Q(actual_date__isnull=True), name="milestone_open_by_date"
            )
        ]
        constraints = [positive("weight")]

    def __str__(self):
        return self.name
