"""Overdue milestones grouped by office, worst office first: who is behind, and by how much.

Two queries whatever the number of overdue milestones: one grouped by office for the figures over all
of them, and one that keeps only each office's most overdue few (a window function numbers them).
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Max, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from milestones.models import Milestone
from milestones.selectors import overdue_filter

OFFICE = "project__office"
MOST_OVERDUE_FIRST = (F("days_overdue").desc(), F("planned_date").asc(), F("id").asc())


def overdue_by_office(*, milestones: QuerySet[Milestone], today: datetime.date, milestones_per_office: int) -> dict:
    """Each office's count, longest and total delay over all its overdue `milestones`, with its
    `milestones_per_office` most overdue. `milestones` must carry `days_overdue` (milestones.selectors.milestone_list).
    """
    overdue = milestones.filter(overdue_filter(today))
    offices = list(
        overdue.order_by()
        .values(OFFICE, f"{OFFICE}__code", f"{OFFICE}__name")
        .annotate(
            overdue_count=Count("*"), max_days_overdue=Max("days_overdue"), total_days_overdue=Sum("days_overdue")
        )
    )
    # Worst first: most overdue milestones, then the longest delay; codes compared as Python does, whatever
    # the database's collation.
    offices.sort(key=lambda row: (-row["overdue_count"], -row["max_days_overdue"], row[f"{OFFICE}__code"]))
    most_overdue = _most_overdue(overdue, milestones_per_office) if milestones_per_office else {}
    return {
        "as_of": today,
        "overdue_count": sum(row["overdue_count"] for row in offices),
        "offices": [
            {
                "office": {"id": row[OFFICE], "code": row[f"{OFFICE}__code"], "name": row[f"{OFFICE}__name"]},
                "overdue_count": row["overdue_count"],
                "max_days_overdue": row["max_days_overdue"],
                "total_days_overdue": row["total_days_overdue"],
                "milestones": most_overdue.get(row[OFFICE], []),
            }
            for row in offices
        ],
    }


def _most_overdue(overdue: QuerySet[Milestone], per_office: int) -> dict[int, list[Milestone]]:
    """The first `per_office` overdue milestones of each office, most overdue first."""
    ranked = (
        overdue.select_related("project")
        .annotate(rank=Window(RowNumber(), partition_by=F(OFFICE), order_by=MOST_OVERDUE_FIRST))
        .filter(rank__lte=per_office)
        .order_by(*MOST_OVERDUE_FIRST)
    )
    groups: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in ranked:
        groups[milestone.project.office_id].append(milestone)
    return groups
