"""Refreshes stored progress after every save or delete that can move it, whatever the path
(API, admin, management command): the figures never lag the rows they come from."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from milestones.models import Milestone
from projects.models import Project, WorkItem
from projects.signals import project_saved

from .progress import refresh_progress


def remember_previous_project(sender, instance, update_fields=None, **kwargs):
    # A row moved to another project changes the figures of both; a save that leaves `project` out
    # of its `update_fields` cannot move the row, and needs no read to learn where it was.
    instance._previous_project_id = None
    if instance.pk is not None and (update_fields is None or {"project", "project_id"} & update_fields):
        previous = sender.objects.filter(pk=instance.pk).values_list("project_id", flat=True)
        instance._previous_project_id = previous.first()


def refresh_after_row_change(sender, instance, **kwargs):
    refresh_progress(project_ids=[instance.project_id, getattr(instance, "_previous_project_id", None)])


for measured in (WorkItem, Milestone):
    pre_save.connect(remember_previous_project, sender=measured)
    post_save.connect(refresh_after_row_change, sender=measured)
    post_delete.connect(refresh_after_row_change, sender=measured)


@receiver(project_saved)
def refresh_after_project_save(sender, project, previous_parent_id, **kwargs):
    refresh_progress(project_ids=[project.pk, previous_parent_id])


@receiver(post_delete, sender=Project)
def refresh_after_project_delete(sender, instance, **kwargs):
    refresh_progress(project_ids=[instance.parent_id])
