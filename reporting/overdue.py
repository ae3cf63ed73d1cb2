"""Overdue milestones grouped by office, worst office first: who is behind, and by how much."""

import datetime
from collections import defaultdict

from django.db.models import QuerySet

from milestones.models import Milestone
from milestones.selectors import overdue_filter


def overdue_by_office(*, milestones: QuerySet[Milestone], today: datetime.date) -> dict:
    """`milestones` must carry `days_overdue` (milestones.selectors.milestone_list)."""
    overdue = (
        milestones.filter(overdue_filter(today))
        .select_related("project__office")
        .order_by("-days_overdue", "planned_date", "id")
    )
    groups: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in overdue:
        groups[milestone.project.office_id].append(milestone)
    offices = [
        {
            "office": group[0].project.office,
            "overdue_count": len(group),
            "max_days_overdue": group[0].days_overdue,
            "total_days_overdue": sum(milestone.days_overdue for milestone in group),
            "milestones": group,
        }
        for group in groups.values()
    ]
    # Worst first: most overdue milestones, then the longest delay.
    offices.sort(key=lambda row: (-row["overdue_count"], -row["max_days_overdue"], row["office"].code))
    return {"as_of": today, "overdue_count": sum(row["overdue_count"] for row in offices), "offices": offices}
