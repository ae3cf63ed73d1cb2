"""The supervisor's totals: projects by status and category, money, land, rooms, graves and overdue
milestones, for the whole selection and per office.

The selection's figures include everything under the selected projects, and each row is counted
once however many of its ancestors are selected. Every figure is one grouped query, so the cost
does not grow with the number of offices.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from core.numbers import percent
from milestones.models import Milestone
from milestones.selectors import overdue_filter
from projects.choices import Category, ClearanceKind, Status
from projects.figures import RATIOS, SUBTREE_SUMS, Ratio, sums_by_model
from projects.models import ClearanceItem, Office, Project, ProjectLink

OFFICE = "project__office"
# A selection's money is measured against the budgets it holds (`investment_planned`), not one project's.
SUMMARY_RATIOS = (
    Ratio("investment_progress", "investment_completed", "investment_planned", _("investment progress (%)")),
    *RATIOS,
)


def portfolio_summary(*, projects: QuerySet[Project], today: datetime.date) -> dict:
    """Totals over `projects` and their descendants, and the same per office."""
    scope = ProjectLink.objects.filter(ancestor__in=projects).values("descendant")
    # Unfiltered, the scope is every project: reading the tables whole is far cheaper than joining each
    # to a scope of a province's hundred thousand projects.
    everything = not projects.query.where
    in_scope = Q() if everything else Q(project__in=scope)
    by_office: dict[int, dict] = defaultdict(empty_figures)

    for office_id, status, category, n in (
        projects.order_by().values_list("office", "status", "category").annotate(n=Count("*"))
    ):
        figures = by_office[office_id]
        figures["projects"] += n
        figures["projects_by_status"][status] += n
        figures["projects_by_category"][category] += n

    # A parent's total investment covers its children's: a budget counts unless a budget above it does.
    budgeted = Project.objects.filter(total_investment__isnull=False)
    covering = ProjectLink.objects.filter(
        descendant=OuterRef("pk"), depth__gt=0, ancestor__total_investment__isnull=False
    )
    if not everything:
        budgeted = budgeted.filter(pk__in=scope)
        covering = covering.filter(ancestor__in=scope)
    counted = budgeted.exclude(Exists(covering))
    for office_id, planned in counted.order_by().values_list("office").annotate(s=Sum("total_investment")):
        by_office[office_id]["investment_planned"] += planned or 0
    for model, columns in sums_by_model().items():
        _add_sums(by_office, model.objects.filter(in_scope), **{name: Sum(column) for name, column in columns.items()})
    graves = ClearanceItem.objects.filter(in_scope, kind=ClearanceKind.GRAVES).order_by()
    for office_id, unit, planned, completed in graves.values_list(OFFICE, "unit").annotate(
        p=Sum("planned"), c=Sum("completed")
    ):
        add_graves(by_office[office_id]["graves"], unit, planned, completed)
    overdue = Milestone.objects.filter(in_scope, overdue_filter(today)).order_by()
    for office_id, n in overdue.values_list(OFFICE).annotate(n=Count("*")):
        by_office[office_id]["overdue_milestones"] += n

    offices = Office.objects.in_bulk(list(by_office))
    office_rows = [
        {"office": offices[office_id], **_with_ratios(figures)}
        for office_id, figures in sorted(by_office.items(), key=lambda item: offices[item[0]].code)
    ]
    return {"as_of": today, "totals": _with_ratios(total_figures(by_office.values())), "by_office": office_rows}


def empty_figures() -> dict:
    """The figures of nothing: what each office's (and the total's) sums start from."""
    return {
        "projects": 0,
        "projects_by_status": dict.fromkeys(Status.values, 0),
        "projects_by_category": dict.fromkeys(Category.values, 0),
        "investment_planned": Decimal(0),
        **{figure.name: 0 if figure.counted else Decimal(0) for figure in SUBTREE_SUMS},
        "graves": {},
        "overdue_milestones": 0,
    }


def _add_sums(by_office: dict, rows: QuerySet, **sums) -> None:
    for row in rows.order_by().values(OFFICE).annotate(**sums):
        figures = by_office[row[OFFICE]]
        for name in sums:
            figures[name] += row[name] or 0


def add_graves(graves: dict, unit: str, planned, completed) -> None:
    # Graves are counted in 座 (tombs) and 穴 (burial places); the two never add up.
    entry = graves.setdefault(unit, {"unit": unit, "planned": Decimal(0), "completed": Decimal(0)})
    entry["planned"] += planned or 0
    entry["completed"] += completed or 0


def total_figures(office_figures) -> dict:
    """The sum of several offices' figures."""
    total = empty_figures()
    for figures in office_figures:
        for name, value in figures.items():
            if name == "graves":
                for unit, entry in value.items():
                    add_graves(total["graves"], unit, entry["planned"], entry["completed"])
            elif isinstance(value, dict):
                for key, n in value.items():
                    total[name][key] += n
            else:
                total[name] += value
    return total


def _with_ratios(figures: dict) -> dict:
    return {
        **figures,
        "graves": sorted(figures["graves"].values(), key=lambda entry: entry["unit"]),
        **{ratio.name: percent(figures[ratio.part], figures[ratio.whole]) for ratio in SUMMARY_RATIOS},
    }
