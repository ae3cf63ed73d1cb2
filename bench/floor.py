"""The floor: the least work a server could do to answer the benchmark's requests.

A WSGI app on raw psycopg 3 and orjson, one connection per worker, one hand-written SQL statement
per figure set, no framework. It answers the requests `bench/run.py` sends with the same JSON as
our API (run.py checks that before it measures), so the gap between the two is what our layers
cost: Django, DRF, filters, permissions, ETags, audit, idempotency. Served like our app:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench \\
        .venv/bin/python -m gunicorn -c config/gunicorn.py --workers 4 --bind 127.0.0.1:8002 bench.floor:app

It reads Django's settings once at start, for the choice labels and the time zone; requests never touch
Django. It answers only what the benchmark asks: anything else is a 404. run.py serves it with our gunicorn
settings (`-c config/gunicorn.py`: gthread workers, keep-alive), so both sides pay the same for HTTP.
"""

import datetime
import os
import re
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from milestones.choices import MilestoneState  # noqa: E402
from projects.choices import Category, ProgressMethod, Status  # noqa: E402
from projects.models import ProgressReport, ReportChange  # noqa: E402
from reporting.summary import add_graves, empty_figures, total_figures  # noqa: E402  (the answer's shape)

with translation.override(settings.LANGUAGE_CODE):
    LABELS = {
        choices: {value: str(label) for value, label in choices.choices}
        for choices in (Category, Status, ProgressMethod, MilestoneState)
    }
DATABASE_URL = settings.DATABASES["default"]
TOKEN_TTL = datetime.timedelta(hours=settings.TOKEN_TTL_HOURS)
ZONE = ZoneInfo(settings.TIME_ZONE)
ONE_DECIMAL = Decimal("0.1")
JSON = [("Content-Type", "application/json")]
REPORTS, REPORT_CHANGES = ProgressReport._meta.db_table, ReportChange._meta.db_table

_connection: psycopg.Connection | None = None


def db() -> psycopg.Connection:
    """This worker's connection, opened on first use (after gunicorn's fork)."""
    global _connection
    if _connection is None or _connection.closed:
        conninfo = psycopg.conninfo.make_conninfo(
            host=DATABASE_URL["HOST"],
            port=DATABASE_URL["PORT"] or 5432,
            dbname=DATABASE_URL["NAME"],
            user=DATABASE_URL["USER"],
            password=DATABASE_URL["PASSWORD"],
            options=DATABASE_URL["OPTIONS"].get("options", ""),  # the app's server settings (jit, timeouts)
        )
        _connection = psycopg.connect(conninfo, autocommit=True)
        _connection.execute(
            "SELECT set_config('TimeZone', %s, false)", [settings.TIME_ZONE]
        )  # datetimes come back as the API writes them
    return _connection


def local_today() -> datetime.date:
    """The date in the app's time zone, as core.clock.today()."""
    return datetime.datetime.now(ZONE).date()


# --- number formats of the API -------------------------------------------------------------------


def percent_value(value) -> float | None:
    """A PercentField: one decimal, half up, as a JSON number."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def ratio(part, whole) -> float | None:
    """core.numbers.percent, capped at 100."""
    if part is None or not whole:
        return None
    return percent_value(min(Decimal(part) * 100 / Decimal(whole), Decimal(100)))


def amount(value) -> str | None:
    """A DecimalField with two places, as a string."""
    return None if value is None else f"{value:.2f}"


# --- SQL -----------------------------------------------------------------------------------------

PLANNED_PROGRESS = """
    CASE WHEN p.planned_start IS NULL OR p.planned_finish IS NULL THEN NULL
         WHEN p.planned_start >= %(today)s THEN 0.0
         WHEN p.planned_finish <= %(today)s THEN 100.0
         ELSE ((%(today)s - p.planned_start) * 100.0) / (p.planned_finish - p.planned_start) END
"""
PROJECT_SELECT = f"""
    SELECT p.*, {PLANNED_PROGRESS} AS planned_progress,
           (SELECT count(*) FROM projects_project c WHERE c.parent_id = p.id) AS children_count,
           coalesce(inv.total, 0) AS investment_completed,
           coalesce(land.planned, 0) AS land_planned_mu, coalesce(land.completed, 0) AS land_completed_mu,
           coalesce(dem.planned, 0) AS rooms_planned, coalesce(dem.signed, 0) AS rooms_signed,
           coalesce(dem.demolished, 0) AS rooms_demolished, coalesce(ms.overdue, 0) AS overdue_milestones
    FROM projects_project p
    LEFT JOIN LATERAL (
        SELECT sum(r.amount) AS total FROM projects_projectlink l
        JOIN projects_investment r ON r.project_id = l.descendant_id WHERE l.ancestor_id = p.id
    ) inv ON true
    LEFT JOIN LATERAL (
        SELECT sum(r.planned_area_mu) AS planned, sum(r.completed_area_mu) AS completed FROM projects_projectlink l
        JOIN projects_landacquisition r ON r.project_id = l.descendant_id WHERE l.ancestor_id = p.id
    ) land ON true
    LEFT JOIN LATERAL (
        SELECT sum(r.planned_rooms) AS planned, sum(r.agreements_signed) AS signed,
               sum(r.rooms_demolished) AS demolished
        FROM projects_projectlink l
        JOIN projects_demolition r ON r.project_id = l.descendant_id WHERE l.ancestor_id = p.id
    ) dem ON true
    LEFT JOIN LATERAL (
        SELECT count(*) AS overdue FROM projects_projectlink l
        JOIN milestones_milestone r ON r.project_id = l.descendant_id
        WHERE l.ancestor_id = p.id AND r.actual_date IS NULL AND r.planned_date < %(today)s
    ) ms ON true
"""


def land_and_rooms(figures: dict) -> dict:
    """The land and demolition figures, with their ratios, of a project or of a summary."""
    return {
        "land_planned_mu": amount(figures["land_planned_mu"]),
        "land_completed_mu": amount(figures["land_completed_mu"]),
        "land_progress": ratio(figures["land_completed_mu"], figures["land_planned_mu"]),
        "rooms_planned": figures["rooms_planned"],
        "rooms_signed": figures["rooms_signed"],
        "rooms_demolished": figures["rooms_demolished"],
        "agreement_progress": ratio(figures["rooms_signed"], figures["rooms_planned"]),
        "demolition_progress": ratio(figures["rooms_demolished"], figures["rooms_planned"]),
    }


def project_json(row: dict) -> dict:
    progress, planned = row["progress"], row["planned_progress"]
    variance = None if planned is None else float(progress) - float(planned)
    return {
        "id": row["id"],
        "code": row["code"],
        "name": row["name"],
        "category": row["category"],
        "category_label": LABELS[Category][row["category"]],
        "status": row["status"],
        "status_label": LABELS[Status][row["status"]],
        "parent": row["parent_id"],
        "office": row["office_id"],
        "leader": row["leader"],
        "contractor": row["contractor"],
        "location": row["location"],
        "description": row["description"],
        "planned_start": row["planned_start"],
        "planned_finish": row["planned_finish"],
        "actual_start": row["actual_start"],
        "actual_finish": row["actual_finish"],
        "total_investment": amount(row["total_investment"]),
        "progress_method": row["progress_method"],
        "progress_method_label": LABELS[ProgressMethod][row["progress_method"]],
        "manual_progress": None if row["manual_progress"] is None else float(row["manual_progress"]),
        "progress": percent_value(progress),
        "planned_progress": percent_value(planned),
        "schedule_variance": percent_value(variance),
        "investment_completed": amount(row["investment_completed"]),
        "investment_progress": ratio(row["investment_completed"], row["total_investment"]),
        **land_and_rooms(row),
        "overdue_milestones": row["overdue_milestones"],
        "children_count": row["children_count"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def milestone_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "project": row["project_id"],
        "name": row["name"],
        "planned_date": row["planned_date"],
        "actual_date": row["actual_date"],
        "weight": amount(row["weight"]),
        "delay_reason": row["delay_reason"],
        "state": MilestoneState.OVERDUE.value,
        "state_label": LABELS[MilestoneState][MilestoneState.OVERDUE],
        "days_overdue": row["days_overdue"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


# --- endpoints -----------------------------------------------------------------------------------


def page_links(request, count: int, limit: int, offset: int) -> dict:
    """limit/offset links as DRF writes them: the request's URL with its parameters sorted."""

    def link(new_offset):
        params = {**request.params, "limit": str(limit), "offset": str(new_offset)}
        if new_offset == 0:
            del params["offset"]
        return f"{request.base}?{urlencode(sorted(params.items()))}"

    return {
        "count": count,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": None if offset <= 0 else link(max(offset - limit, 0)),
    }


def project_list(request, cursor):
    office, limit, offset = int(request.params["office"]), int(request.params["limit"]), 0
    today = local_today()
    count = cursor.execute("SELECT count(*) FROM projects_project WHERE office_id = %s", [office]).fetchone()["count"]
    rows = cursor.execute(
        PROJECT_SELECT + " WHERE p.office_id = %(office)s ORDER BY p.code, p.id LIMIT %(limit)s",
        {"today": today, "office": office, "limit": limit},
    ).fetchall()
    return 200, {**page_links(request, count, limit, offset), "results": [project_json(row) for row in rows]}


def project_detail(request, cursor, project_id):
    row = cursor.execute(
        PROJECT_SELECT + " WHERE p.id = %(id)s", {"today": local_today(), "id": int(project_id)}
    ).fetchone()
    return (200, project_json(row)) if row else (404, {"detail": "Not found."})


def overdue_milestones(request, cursor):
    limit, today = int(request.params["limit"]), local_today()
    count = cursor.execute(
        "SELECT count(*) FROM milestones_milestone WHERE actual_date IS NULL AND planned_date < %s", [today]
    ).fetchone()["count"]
    rows = cursor.execute(
        """SELECT *, %(today)s - planned_date AS days_overdue FROM milestones_milestone
           WHERE actual_date IS NULL AND planned_date < %(today)s ORDER BY planned_date, id LIMIT %(limit)s""",
        {"today": today, "limit": limit},
    ).fetchall()
    return 200, {**page_links(request, count, limit, 0), "results": [milestone_json(row) for row in rows]}


SUMMARY_SUMS = {
    # figure: (SQL over rows r joined to their project p, grouped by p.office_id)
    "investment_completed": "SELECT p.office_id, sum(r.amount) AS v FROM projects_investment r",
    "land_planned_mu": "SELECT p.office_id, sum(r.planned_area_mu) AS v FROM projects_landacquisition r",
    "land_completed_mu": "SELECT p.office_id, sum(r.completed_area_mu) AS v FROM projects_landacquisition r",
    "rooms_planned": "SELECT p.office_id, sum(r.planned_rooms) AS v FROM projects_demolition r",
    "rooms_signed": "SELECT p.office_id, sum(r.agreements_signed) AS v FROM projects_demolition r",
    "rooms_demolished": "SELECT p.office_id, sum(r.rooms_demolished) AS v FROM projects_demolition r",
}


def summary(request, cursor):
    """The whole province: every row counts once, for the office of its project."""
    today = local_today()
    offices: dict[int, dict] = {}

    def of(office_id):
        return offices.setdefault(office_id, empty_figures())

    for row in cursor.execute(
        "SELECT office_id, status, category, count(*) AS n FROM projects_project GROUP BY 1, 2, 3"
    ):
        figures = of(row["office_id"])
        figures["projects"] += row["n"]
        figures["projects_by_status"][row["status"]] += row["n"]
        figures["projects_by_category"][row["category"]] += row["n"]
    for row in cursor.execute(
        """SELECT p.office_id, sum(p.total_investment) AS v FROM projects_project p
           WHERE p.total_investment IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM projects_projectlink l JOIN projects_project a ON a.id = l.ancestor_id
               WHERE l.descendant_id = p.id AND l.depth > 0 AND a.total_investment IS NOT NULL)
           GROUP BY 1"""
    ):
        of(row["office_id"])["investment_planned"] += row["v"]
    for name, select in SUMMARY_SUMS.items():
        for row in cursor.execute(f"{select} JOIN projects_project p ON p.id = r.project_id GROUP BY 1"):
            of(row["office_id"])[name] += row["v"] or 0
    for row in cursor.execute(
        """SELECT p.office_id, r.unit, sum(r.planned) AS planned, sum(r.completed) AS completed
           FROM projects_clearanceitem r JOIN projects_project p ON p.id = r.project_id
           WHERE r.kind = 'graves' GROUP BY 1, 2"""
    ):
        add_graves(of(row["office_id"])["graves"], row["unit"], row["planned"], row["completed"])
    for row in cursor.execute(
        """SELECT p.office_id, count(*) AS n FROM milestones_milestone r JOIN projects_project p ON p.id = r.project_id
           WHERE r.actual_date IS NULL AND r.planned_date < %s GROUP BY 1""",
        [today],
    ):
        of(row["office_id"])["overdue_milestones"] += row["n"]

    names = {row["id"]: row for row in cursor.execute("SELECT id, code, name FROM projects_office")}
    totals = total_figures(offices.values())
    by_office = [
        {**figures_json(figures), "office": names[office_id]}
        for office_id, figures in sorted(offices.items(), key=lambda item: names[item[0]]["code"])
    ]
    return 200, {"as_of": today, "totals": figures_json(totals), "by_office": by_office}


def figures_json(figures: dict) -> dict:
    graves = sorted(figures["graves"].values(), key=lambda entry: entry["unit"])
    return {
        "projects": figures["projects"],
        "projects_by_status": figures["projects_by_status"],
        "projects_by_category": figures["projects_by_category"],
        "investment_planned": amount(figures["investment_planned"]),
        "investment_completed": amount(figures["investment_completed"]),
        "investment_progress": ratio(figures["investment_completed"], figures["investment_planned"]),
        **land_and_rooms(figures),
        "graves": [
            {"unit": g["unit"], "planned": amount(g["planned"]), "completed": amount(g["completed"])} for g in graves
        ],
        "overdue_milestones": figures["overdue_milestones"],
    }


def overdue_report(request, cursor):
    """Per office: counts over all its overdue milestones, and its N most overdue."""
    today, per_office = local_today(), int(request.params.get("milestones_per_office", 5))
    offices = cursor.execute(
        """SELECT o.id, o.code, o.name, count(*) AS overdue_count,
                  max(%(today)s - m.planned_date) AS max_days_overdue,
                  sum(%(today)s - m.planned_date) AS total_days_overdue
           FROM milestones_milestone m JOIN projects_project p ON p.id = m.project_id
           JOIN projects_office o ON o.id = p.office_id
           WHERE m.actual_date IS NULL AND m.planned_date < %(today)s GROUP BY o.id""",
        {"today": today},
    ).fetchall()
    worst = cursor.execute(
        """SELECT * FROM (
               SELECT m.id, m.name, m.planned_date, m.delay_reason, %(today)s - m.planned_date AS days_overdue,
                      p.id AS project_id, p.code, p.name AS project_name, p.office_id,
                      row_number() OVER (PARTITION BY p.office_id ORDER BY m.planned_date, m.id) AS rank
               FROM milestones_milestone m JOIN projects_project p ON p.id = m.project_id
               WHERE m.actual_date IS NULL AND m.planned_date < %(today)s
           ) ranked WHERE rank <= %(n)s ORDER BY office_id, rank""",
        {"today": today, "n": per_office},
    ).fetchall()
    milestones: dict[int, list] = {}
    for row in worst:
        milestones.setdefault(row["office_id"], []).append(
            {
                "id": row["id"],
                "name": row["name"],
                "planned_date": row["planned_date"],
                "days_overdue": row["days_overdue"],
                "delay_reason": row["delay_reason"],
                "project": {"id": row["project_id"], "code": row["code"], "name": row["project_name"]},
            }
        )
    offices.sort(key=lambda row: (-row["overdue_count"], -row["max_days_overdue"], row["code"]))
    return 200, {
        "as_of": today,
        "overdue_count": sum(row["overdue_count"] for row in offices),
        "offices": [
            {
                "office": {"id": row["id"], "code": row["code"], "name": row["name"]},
                "overdue_count": row["overdue_count"],
                "max_days_overdue": row["max_days_overdue"],
                "total_days_overdue": row["total_days_overdue"],
                "milestones": milestones.get(row["id"], []),
            }
            for row in offices
        ],
    }


def progress_report(request, cursor, user):
    """Plain INSERTs and UPDATEs of what a report carries: no reads, checks, locks or history."""
    body = orjson.loads(request.body)
    with db().transaction():
        report_id = cursor.execute(
            f"""INSERT INTO {REPORTS}
               (created_at, updated_at, reported_on, summary, author_id, office_id, project_id)
               VALUES (now(), now(), %s, %s, %s, %s, %s) RETURNING id""",
            [body["reported_on"], body.get("summary", ""), user["id"], user["office_id"], body["project"]],
        ).fetchone()["id"]
        for entry in body.get("work_items", []):
            project = cursor.execute(
                "UPDATE projects_workitem SET completed_quantity = %s WHERE id = %s RETURNING project_id",
                [entry["completed_quantity"], entry["id"]],
            ).fetchone()["project_id"]
            cursor.execute(
                f"""INSERT INTO {REPORT_CHANGES} (report_id, target, object_id, field, after, project_id)
                   VALUES (%s, 'work_item', %s, 'completed_quantity', %s, %s)""",
                [report_id, entry["id"], str(entry["completed_quantity"]), project],
            )
    return 201, {"id": report_id}


ROUTES = [
    ("GET", re.compile(r"/api/v1/projects/"), project_list),
    ("GET", re.compile(r"/api/v1/projects/(\d+)/"), project_detail),
    ("GET", re.compile(r"/api/v1/milestones/"), overdue_milestones),
    ("GET", re.compile(r"/api/v1/reports/summary/"), summary),
    ("GET", re.compile(r"/api/v1/reports/overdue/"), overdue_report),
    ("POST", re.compile(r"/api/v1/progress-reports/"), progress_report),
]


class Request:
    def __init__(self, environ):
        self.method = environ["REQUEST_METHOD"]
        self.path = environ["PATH_INFO"]
        self.params = {key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.base = f"http://{environ['HTTP_HOST']}{self.path}"
        self.token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Token ")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""


def authenticated_user(cursor, token: str) -> dict | None:
    return cursor.execute(
        """SELECT u.id, u.office_id FROM authtoken_token t JOIN accounts_user u ON u.id = t.user_id
           WHERE t.key = %s AND u.is_active AND t.created > now() - %s""",
        [token, TOKEN_TTL],
    ).fetchone()


def app(environ, start_response):
    request = Request(environ)
    status, body = 404, {"detail": "Not found."}
    with db().cursor(row_factory=psycopg.rows.dict_row) as cursor:
        user = authenticated_user(cursor, request.token)
        if user is None:
            status, body = 401, {"detail": "Invalid token."}
        else:
            for method, pattern, handler in ROUTES:
                match = pattern.fullmatch(request.path)
                if match and method == request.method:
                    extra = (user,) if method == "POST" else match.groups()
                    status, body = handler(request, cursor, *extra)
                    break
    payload = orjson.dumps(body, default=_decimal)
    start_response(f"{status} {'OK' if status < 400 else 'Error'}", [*JSON, ("Content-Length", str(len(payload)))])
    return [payload]


def _decimal(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
