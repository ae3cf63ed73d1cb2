"""Reads of reminders: each office's milestones that are overdue or due within N days, as of a day."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from milestones.models import Milestone
from milestones.selectors import due_within_filter, milestone_list, overdue_filter
from projects.models import Office

from .models import ReminderSettings


@dataclass
class Reminder:
    """What one office is reminded of; `settings` is None when the office has set no channel."""

    office: Office
    settings: ReminderSettings | None
    overdue: list[Milestone] = field(default_factory=list)
    due_soon: list[Milestone] = field(default_factory=list)

    @property
    def milestone_count(self) -> int:
        return len(self.overdue) + len(self.due_soon)


def reminders_by_office(*, today: datetime.date, days: int) -> list[Reminder]:
    """One reminder per office that has something overdue or due within `days` days, by office code.

    Two queries whatever the number of offices: the milestones (with their project and office), and the
    settings of the offices concerned. An office with nothing due gets no reminder at all.
    """
    wanted = Q(overdue_filter(today)) | Q(due_within_filter(today, days))
    milestones = (
        milestone_list(today=today)
        .filter(wanted)
        .select_related("project__office")
        .order_by("project__office__code", "planned_date", "project__code", "id")
    )
    reminders: dict[int, Reminder] = {}
    for milestone in milestones:
        office = milestone.project.office
        reminder = reminders.setdefault(office.pk, Reminder(office=office, settings=None))
        (reminder.overdue if milestone.days_overdue > 0 else reminder.due_soon).append(milestone)
    for settings in ReminderSettings.objects.filter(office__in=list(reminders)):
        reminders[settings.office_id].settings = settings
    return list(reminders.values())
