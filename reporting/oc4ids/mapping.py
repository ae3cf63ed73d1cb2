"""Mapping a project onto an OC4IDS 0.9 project, and a page of projects onto a project package.

What OC4IDS has a place for goes there (title, status, sector, period, budget in CNY, milestones,
physical and financial progress, parties, location, related projects); what it has none for (land in
mu, rooms, graves, work quantities, our own status and progress figures) goes into the `shuitou`
object of each project, described by schema/shuitou-extension-schema.json. docs/OC4IDS.md lists both.
"""

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from milestones.models import Milestone
from projects.choices import ClearanceKind, Status
from projects.models import Project, ReportFigures
from projects.selectors import projects_with_figures

from ..charts import planned_at

VERSION = "0.9"
CURRENCY = "CNY"
CNY_PER_WAN = Decimal(10_000)
LANGUAGE = "zh"

# Closed codelist projectStatus: "suspended" has no code of its own; such a project is still in
# implementation, and `shuitou.status` says it is suspended.
STATUSES = {
    Status.PLANNED: "preparation",
    Status.IN_PROGRESS: "implementation",
    Status.SUSPENDED: "implementation",
    Status.COMPLETED: "completion",
}
# Open codelist projectSector; a parent code comes with its subsector, as the standard asks.
SECTORS = {
    "water": ["naturalResources", "naturalResources.floodProtection"],
    "transport": ["transport", "transport.road"],
    "town": ["economy"],
    "education": ["education"],
    "health": ["health"],
    "industry": ["economy"],
    "services": ["economy"],
    "rural": ["economy"],
    "environment": ["waterAndWaste"],
}
# Open codelist milestoneCode: the two milestones every works has, recognised by their usual names.
MILESTONE_CODES = (("开工", "commencement"), ("竣工", "completion"))
PERCENT_UNIT = {"name": "percent"}


def package_queryset(projects: QuerySet[Project], *, today: datetime.date) -> QuerySet[Project]:
    """`projects` with everything the mapping reads, in a fixed number of queries per page."""
    return (
        projects_with_figures(projects.select_related("office", "parent"), today=today)
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "id")),
            Prefetch("children", queryset=Project.objects.order_by("code").only("id", "code", "name", "parent_id")),
            Prefetch(
                "history",
                queryset=ReportFigures.objects.select_related("report").order_by("report__reported_on", "report_id"),
            ),
            "work_items",
            "land_acquisitions",
            "clearance_items",
        )
        .order_by("code", "id")
    )


def project_package(
    projects: list[Project],
    *,
    uri: str,
    today: datetime.date,
    url_for: Callable[[Project], str],
    links: dict[str, str] | None = None,
) -> dict:
    """A project package of `projects` (from `package_queryset`); `url_for` gives a project's package URL."""
    published = max((project.updated_at for project in projects), default=timezone.now())
    package = {
        "uri": uri,
        "version": VERSION,
        "publishedDate": published.isoformat(),
        "publisher": {"name": settings.OC4IDS_PUBLISHER_NAME},
        "projects": [oc4ids_project(project, today=today, url_for=url_for) for project in projects],
    }
    if settings.OC4IDS_LICENSE:
        package["license"] = settings.OC4IDS_LICENSE
    if links:
        package["links"] = links
    return package


def ocid(project) -> str:
    return f"{settings.OC4IDS_ID_PREFIX}{project.code}"


def oc4ids_project(project: Project, *, today: datetime.date, url_for: Callable[[Project], str]) -> dict:
    office_party = {"id": f"office-{project.office.code}", "name": project.office.name}
    data = {
        "id": ocid(project),
        "updated": project.updated_at.isoformat(),
        "language": LANGUAGE,
        "identifiers": [{"id": project.code, "scheme": "shuitou-tracker"}],
        "title": project.name,
        "status": STATUSES[project.status],
        "publicAuthority": office_party,
        "parties": _parties(project, office_party),
        "locations": [_location(project)],
    }
    if project.description.strip():
        data["description"] = project.description.strip()
    if project.category in SECTORS:
        data["sector"] = SECTORS[project.category]
    if period := _period(project.planned_start, project.planned_finish):
        data["period"] = period
    if period := _period(project.actual_start, project.actual_finish):
        data["implementationPeriod"] = period
    if project.total_investment is not None:
        data["budget"] = {"amount": _money(project.total_investment)}
    if project.actual_finish is not None:
        data["completion"] = {"endDate": _datetime(project.actual_finish)}
    if milestones := [_milestone(milestone, today) for milestone in project.milestones.all()]:
        data["milestones"] = milestones
    data["metrics"] = _metrics(project, today)
    if forecasts := _forecasts(project, today):
        data["forecasts"] = forecasts
    if related := _related(project, url_for):
        data["relatedProjects"] = related
    data["shuitou"] = _extension(project)
    return data


def _datetime(day: datetime.date) -> str:
    """A calendar date as OC4IDS wants it, a date-time: midnight in the county's time zone."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _money(amount_wan: Decimal) -> dict:
    """万元 → CNY."""
    return {"amount": _number(amount_wan * CNY_PER_WAN), "currency": CURRENCY}


def _percent(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _period(start: datetime.date | None, end: datetime.date | None) -> dict:
    period = {}
    if start:
        period["startDate"] = _datetime(start)
    if end:
        period["endDate"] = _datetime(end)
    if start and end:
        period["durationInDays"] = (end - start).days
    return period


def _parties(project: Project, office_party: dict) -> list[dict]:
    # The office owns and pays for the project: OC4IDS's public authority, and the buyer of its contracts.
    parties = [{**office_party, "roles": ["publicAuthority", "buyer"], "address": dict(settings.OC4IDS_ADDRESS)}]
    if project.contractor.strip():
        parties.append({"id": "contractor-1", "name": project.contractor.strip(), "roles": ["supplier"]})
    return parties


def _location(project: Project) -> dict:
    address = dict(settings.OC4IDS_ADDRESS)
    if project.location.strip():
        address["streetAddress"] = project.location.strip()
    description = project.location.strip() or " ".join(
        part for part in (address.get("region"), address.get("locality")) if part
    )
    return {"id": "1", "description": description or project.name, "address": address}


def _milestone(milestone: Milestone, today: datetime.date) -> dict:
    if milestone.actual_date is not None:
        status = "met"
    elif milestone.planned_date < today:
        status = "notMet"
    else:
        status = "scheduled"
    data = {
        "id": str(milestone.pk),
        "title": milestone.name,
        "type": "delivery",
        "dueDate": _datetime(milestone.planned_date),
        "status": status,
        "dateModified": milestone.updated_at.isoformat(),
    }
    code = next((code for word, code in MILESTONE_CODES if word in milestone.name), None)
    if code:
        data["code"] = code
    if milestone.actual_date is not None:
        data["dateMet"] = _datetime(milestone.actual_date)
    if milestone.delay_reason.strip():
        data["description"] = milestone.delay_reason.strip()
    return data


def _observation_period(day: datetime.date) -> dict:
    return {"startDate": _datetime(day), "endDate": _datetime(day)}


def _metrics(project: Project, today: datetime.date) -> list[dict]:
    """Actual physical and financial progress after each report (history), and today's standing."""
    points = [
        (f"report-{row.report_id}", row.report.reported_on, row.progress, row.investment_completed)
        for row in project.history.all()
    ]
    points.append(("current", today, project.progress, project.investment_completed))
    physical = [
        {"id": key, "period": _observation_period(day), "measure": _percent(progress), "unit": PERCENT_UNIT}
        for key, day, progress, _money_done in points
    ]
    financial = []
    for key, day, _progress, invested in points:
        observation = {"id": key, "period": _observation_period(day), "value": _money(invested)}
        if project.total_investment:
            observation["measure"] = _percent(min(invested * 100 / project.total_investment, Decimal(100)))
            observation["unit"] = PERCENT_UNIT
        financial.append(observation)
    return [
        {
            "id": "physicalProgress",
            "title": "Physical progress",
            "description": "Share of the works done (%), from work quantities, milestones or children.",
            "observations": physical,
        },
        {
            "id": "financialProgress",
            "title": "Financial progress",
            "description": "Money invested to date (CNY), and its share of the budget (%).",
            "observations": financial,
        },
    ]


def _forecasts(project: Project, today: datetime.date) -> list[dict]:
    """Planned physical progress from the schedule, at each report date, today and the planned finish."""
    days = [row.report.reported_on for row in project.history.all()] + [today]
    if project.planned_finish:
        days.append(project.planned_finish)
    observations = []
    for day in sorted(set(days)):
        planned = planned_at(project, day)
        if planned is not None:
            observations.append(
                {
                    "id": f"planned-{day.isoformat()}",
                    "period": _observation_period(day),
                    "measure": _percent(planned),
                    "unit": PERCENT_UNIT,
                }
            )
    if not observations:
        return []
    return [
        {
            "id": "physicalProgress",
            "title": "Planned physical progress",
            "description": "Share of the time from planned start to planned finish passed on each date (%).",
            "observations": observations,
        }
    ]


def _related(project: Project, url_for: Callable[[Project], str]) -> list[dict]:
    """The parent and the children, as OC4IDS projects ("parent"/"child" extend the open relatedProject codelist)."""
    related = []
    if project.parent is not None:
        related.append(_reference("parent", project.parent, "parent", url_for))
    related += [_reference(f"child-{child.pk}", child, "child", url_for) for child in project.children.all()]
    return related


def _reference(key: str, other: Project, relationship: str, url_for) -> dict:
    return {
        "id": key,
        "scheme": "oc4ids",
        "identifier": ocid(other),
        "relationship": relationship,
        "title": other.name,
        "uri": url_for(other),
    }


def _extension(project: Project) -> dict:
    """What OC4IDS has no place for; sums over the project and its descendants where marked "subtree"."""
    clearance = list(project.clearance_items.all())
    return {
        "code": project.code,
        "category": project.category,
        "status": project.status,
        "progressMethod": project.progress_method,
        "progress": _percent(project.progress),
        "plannedProgress": _percent(project.planned_progress),
        "scheduleVariance": _percent(project.schedule_variance),
        "leader": project.leader,
        "overdueMilestones": project.overdue_milestones,
        "investmentCompleted": _money(project.investment_completed),
        "landMu": {
            "planned": _number(project.land_planned_mu),
            "completed": _number(project.land_completed_mu),
            "rows": [
                {
                    "village": row.village,
                    "kind": row.kind,
                    "plannedMu": _number(row.planned_area_mu),
                    "completedMu": _number(row.completed_area_mu),
                }
                for row in project.land_acquisitions.all()
            ],
        },
        "rooms": {
            "planned": project.rooms_planned,
            "agreementsSigned": project.rooms_signed,
            "demolished": project.rooms_demolished,
        },
        "graves": [
            {"unit": row.unit, "planned": _number(row.planned), "completed": _number(row.completed)}
            for row in clearance
            if row.kind == ClearanceKind.GRAVES
        ],
        "clearance": [
            {"kind": row.kind, "unit": row.unit, "planned": _number(row.planned), "completed": _number(row.completed)}
            for row in clearance
            if row.kind != ClearanceKind.GRAVES
        ],
        "workItems": [
            {
                "name": row.name,
                "unit": row.unit,
                "plannedQuantity": _number(row.planned_quantity),
                "completedQuantity": _number(row.completed_quantity),
                "weight": _number(row.weight),
                "progress": _percent(row.progress),
            }
            for row in project.work_items.all()
        ],
    }
