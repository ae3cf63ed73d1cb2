"""Fills PostgreSQL with a province-sized, deterministic data set for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench \\
        .venv/bin/python manage.py migrate && \\
        .venv/bin/python bench/generate.py --yes [--scale 1.0] [--seed 2018]

At scale 1: 200 offices, 100,000 projects (about a fifth of the top-level projects have children,
up to three levels), 300,000 work items, 1,000,000 milestones, 100,000 land and 100,000
demolition rows, 1,000,000 progress reports (each with one change and the figures after it),
and one editor per office (`bench-<office code>`, password `bench-pass`). Rows go in with COPY;
stored progress and the tree's closure table are then computed in SQL, as the app would keep them.
It empties the domain tables first, so point it at a database of its own.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402

from bench.shape import BenchShape  # noqa: E402
from projects.models import ProgressReport, ReportChange, ReportFigures  # noqa: E402

EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 1)
CATEGORIES = ["water", "transport", "town", "education", "health", "industry", "services", "rural", "environment"]
STATUSES = ["planned", "in_progress", "in_progress", "in_progress", "suspended", "completed"]
REPORTS, REPORT_CHANGES, REPORT_FIGURES = (
    model._meta.db_table for model in (ProgressReport, ReportChange, ReportFigures)
)
TABLES = [
    "auditlog_logentry",
    "core_idempotencykey",
    REPORT_FIGURES,
    REPORT_CHANGES,
    REPORTS,
    "milestones_milestone",
    "projects_investment",
    "projects_clearanceitem",
    "projects_demolition",
    "projects_landacquisition",
    "projects_workitem",
    "projects_problem",
    "projects_projectlink",
    "projects_project",
    "authtoken_token",
    "accounts_user",
    "projects_office",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--yes", action="store_true", help="confirm: empties the domain tables first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    if not args.yes:
        sys.exit(f"This empties {connection.settings_dict['NAME']}'s domain tables; add --yes.")
    generator = Generator(BenchShape.at_scale(args.scale), random.Random(args.seed))
    started = time.monotonic()
    with connection.cursor() as cursor:
        # The app's statement_timeout (DB_STATEMENT_TIMEOUT_MS, 30 s by default) guards request queries; a COPY
        # of a million rows or the VACUUM ANALYZE at the end may take longer, so this session runs without it.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        generator.run(cursor)
    print(f"done in {time.monotonic() - started:.0f} s", flush=True)


class Generator:
    def __init__(self, shape: BenchShape, rng: random.Random):
        self.shape, self.rng = shape, rng
        self.parents: list[int | None] = [None]  # index = project id; [0] unused

    def run(self, cursor) -> None:
        self.step(cursor, "offices and users", self.offices_and_users)
        self.step(cursor, "projects", self.projects)
        self.step(cursor, "closure table", self.closure)
        self.step(cursor, "work items", self.work_items)
        self.step(cursor, "land and demolitions", self.land_and_demolitions)
        self.step(cursor, "investments", self.investments)
        self.step(cursor, "milestones", self.milestones)
        self.step(cursor, "stored progress", self.progress)
        self.step(cursor, "progress reports", self.reports)
        self.step(cursor, "vacuum and analyze", lambda c: c.execute("VACUUM ANALYZE"))

    @staticmethod
    def step(cursor, name, work) -> None:
        started = time.monotonic()
        work(cursor)
        print(f"{name}: {time.monotonic() - started:.1f} s", flush=True)

    def copy(self, cursor, table: str, columns: list[str], rows) -> None:
        """COPY rows in; columns the app adds later with a default (such as `version`) get it."""
        cursor.execute(
            "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = %s", [table]
        )
        missing = [name for name, _default in cursor.fetchall() if name == "version" and name not in columns]
        with cursor.connection.cursor().copy(f"COPY {table} ({', '.join(columns + missing)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *([1] * len(missing))))

    def offices_and_users(self, cursor) -> None:
        n = self.shape.offices
        self.copy(
            cursor,
            "projects_office",
            ["id", "created_at", "updated_at", "code", "name"],
            ((i, EPOCH, EPOCH, f"office-{i:03d}", f"第{i}指挥部") for i in range(1, n + 1)),
        )
        password = make_password("bench-pass")
        self.copy(
            cursor,
            "accounts_user",
            [
                "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                "is_staff", "is_active", "date_joined", "role", "office_id",
            ],  # fmt: skip
            ((i, password, False, f"bench-office-{i:03d}", "", "", "", False, True, EPOCH, "editor", i)
             for i in range(1, n + 1)),
        )  # fmt: skip
        cursor.execute("SELECT setval('projects_office_id_seq', %s)", [n])
        cursor.execute("SELECT setval('accounts_user_id_seq', %s)", [n])

    def project_rows(self):
        rng, shape = self.rng, self.shape
        while len(self.parents) <= shape.projects:
            office_id = rng.randint(1, shape.offices)
            root = self.new_project(None, office_id)
            yield root
            if rng.random() < shape.family_share:
                for _child in range(rng.randint(2, 4)):
                    child = self.new_project(root[0], office_id)
                    yield child
                    if rng.random() < 0.25:
                        for _grandchild in range(rng.randint(2, 3)):
                            yield self.new_project(child[0], office_id)

    def new_project(self, parent_id, office_id):
        rng = self.rng
        project_id = len(self.parents)
        self.parents.append(parent_id)
        start = datetime.date(2016, 1, 1) + datetime.timedelta(rng.randint(0, 3650))
        finish = start + datetime.timedelta(rng.randint(180, 2000))
        method = rng.choice(["quantities", "quantities", "milestones"])
        return (
            project_id, EPOCH, EPOCH, f"BP{project_id:07d}", f"重点项目{project_id}", rng.choice(CATEGORIES),
            rng.choice(STATUSES), "", "", "", "", start, finish, None, None,
            rng.randint(100, 500_000), method, None, office_id, parent_id, 0,
        )  # fmt: skip

    def projects(self, cursor) -> None:
        columns = [
            "id", "created_at", "updated_at", "code", "name", "category", "status", "leader", "contractor",
            "location", "description", "planned_start", "planned_finish", "actual_start", "actual_finish",
            "total_investment", "progress_method", "manual_progress", "office_id", "parent_id", "progress",
        ]  # fmt: skip
        self.copy(cursor, "projects_project", columns, self.project_rows())
        # The last family may overshoot the size by a few projects; that is fine.
        cursor.execute("SELECT setval('projects_project_id_seq', %s)", [len(self.parents) - 1])

    def closure(self, cursor) -> None:
        def links():
            for project_id in range(1, len(self.parents)):
                ancestor, depth = project_id, 0
                while ancestor is not None:
                    yield ancestor, project_id, depth
                    ancestor, depth = self.parents[ancestor], depth + 1

        self.copy(cursor, "projects_projectlink", ["ancestor_id", "descendant_id", "depth"], links())

    def leaves(self):
        has_children = {parent for parent in self.parents if parent is not None}
        return [pid for pid in range(1, len(self.parents)) if pid not in has_children]

    def per_project(self, total: int) -> list[int]:
        """`total` rows spread over all projects, deterministically."""
        projects = len(self.parents) - 1
        return [self.rng.randint(1, projects) for _ in range(total)]

    def work_items(self, cursor) -> None:
        rng = self.rng
        names = [("路基", "m"), ("隧道", "m"), ("桥梁", "座"), ("主体", "层"), ("管网", "m")]

        def rows():
            for row_id, project_id in enumerate(sorted(self.per_project(self.shape.work_items)), start=1):
                name, unit = rng.choice(names)
                planned = rng.randint(1, 5000)
                completed = min(planned, rng.randint(0, int(planned * 1.1)))
                yield row_id, EPOCH, EPOCH, name, unit, planned, completed, rng.choice([1, 1, 2, 3]), project_id

        columns = ["id", "created_at", "updated_at", "name", "unit", "planned_quantity", "completed_quantity"]
        self.copy(cursor, "projects_workitem", [*columns, "weight", "project_id"], rows())
        cursor.execute("SELECT setval('projects_workitem_id_seq', %s)", [self.shape.work_items])

    def land_and_demolitions(self, cursor) -> None:
        rng = self.rng

        def land():
            for row_id, project_id in enumerate(sorted(self.per_project(self.shape.land_rows)), start=1):
                planned = rng.randint(1, 2000)
                kind = rng.choice(["expropriation", "requisition", "lease", "transfer"])
                yield row_id, EPOCH, EPOCH, f"村{row_id % 500}", kind, planned, rng.randint(0, planned), project_id

        def demolitions():
            for row_id, project_id in enumerate(sorted(self.per_project(self.shape.demolition_rows)), start=1):
                planned = rng.randint(1, 800)
                signed = rng.randint(0, planned)
                yield row_id, EPOCH, EPOCH, f"村{row_id % 500}", planned, signed, rng.randint(0, signed), project_id

        columns = ["id", "created_at", "updated_at", "village"]
        self.copy(
            cursor,
            "projects_landacquisition",
            [*columns, "kind", "planned_area_mu", "completed_area_mu", "project_id"],
            land(),
        )
        self.copy(
            cursor,
            "projects_demolition",
            [*columns, "planned_rooms", "agreements_signed", "rooms_demolished", "project_id"],
            demolitions(),
        )
        cursor.execute("SELECT setval('projects_landacquisition_id_seq', %s)", [self.shape.land_rows])
        cursor.execute("SELECT setval('projects_demolition_id_seq', %s)", [self.shape.demolition_rows])

    def investments(self, cursor) -> None:
        rng = self.rng
        months = [datetime.date(2024 + m // 12, m % 12 + 1, 1) for m in range(24)]

        def rows():
            row_id = 0
            for project_id in range(1, len(self.parents), 2):
                for period in rng.sample(months, 3):
                    row_id += 1
                    yield row_id, EPOCH, EPOCH, period, rng.randint(10, 5000), project_id

        self.copy(
            cursor, "projects_investment", ["id", "created_at", "updated_at", "period", "amount", "project_id"], rows()
        )
        cursor.execute("SELECT setval('projects_investment_id_seq', (SELECT max(id) FROM projects_investment))")

    def milestones(self, cursor) -> None:
        rng = self.rng

        def rows():
            for row_id, project_id in enumerate(sorted(self.per_project(self.shape.milestones)), start=1):
                planned = datetime.date(2016, 1, 1) + datetime.timedelta(rng.randint(0, 5000))
                done = planned < TODAY and rng.random() < 0.8
                actual = planned + datetime.timedelta(rng.randint(-30, 90)) if done else None
                reason = "" if done or planned >= TODAY else "资金不足"
                yield (
                    row_id,
                    EPOCH,
                    EPOCH,
                    f"节点{row_id % 12}",
                    planned,
                    actual,
                    rng.choice([1, 2]),
                    reason,
                    project_id,
                )

        columns = ["id", "created_at", "updated_at", "name", "planned_date", "actual_date", "weight", "delay_reason"]
        self.copy(cursor, "milestones_milestone", [*columns, "project_id"], rows())
        cursor.execute("SELECT setval('milestones_milestone_id_seq', %s)", [self.shape.milestones])

    def progress(self, cursor) -> None:
        """The stored progress the app keeps on write (projects.progress), computed level by level."""
        cursor.execute(
            """
            UPDATE projects_project p SET progress = q.value FROM (
                SELECT project_id,
                       sum(least(completed_quantity / planned_quantity, 1) * weight) * 100 / sum(weight) AS value
                FROM projects_workitem WHERE planned_quantity > 0 GROUP BY project_id
            ) q WHERE p.id = q.project_id AND p.progress_method = 'quantities'
            """
        )
        cursor.execute(
            """
            UPDATE projects_project p SET progress = q.value FROM (
                SELECT project_id,
                       sum(weight) FILTER (WHERE actual_date IS NOT NULL) * 100 / sum(weight) AS value
                FROM milestones_milestone GROUP BY project_id
            ) q WHERE p.id = q.project_id AND p.progress_method = 'milestones' AND q.value IS NOT NULL
            """
        )
        for depth in (1, 0):  # grandparents' children first, then the roots'
            cursor.execute(
                """
                UPDATE projects_project p SET progress = q.value FROM (
                    SELECT c.parent_id,
                           CASE WHEN sum(coalesce(c.total_investment, 0)) > 0
                                THEN sum(c.progress * coalesce(c.total_investment, 0))
                                     / sum(coalesce(c.total_investment, 0))
                                ELSE avg(c.progress) END AS value
                    FROM projects_project c GROUP BY c.parent_id
                ) q
                WHERE p.id = q.parent_id
                  AND (SELECT count(*) FROM projects_projectlink l WHERE l.descendant_id = p.id) = %s + 1
                """,
                [depth],
            )

    def reports(self, cursor) -> None:
        rng, total = self.rng, self.shape.reports
        project_ids = sorted(self.per_project(total))
        cursor.execute("SELECT id, office_id, progress FROM projects_project")
        projects = {pid: (office, progress) for pid, office, progress in cursor.fetchall()}
        days = [TODAY - datetime.timedelta(d) for d in range(3 * 365)]

        def reports():
            for report_id, project_id in enumerate(project_ids, start=1):
                reported_on = rng.choice(days)
                stamp = EPOCH + datetime.timedelta(seconds=report_id)
                yield report_id, stamp, stamp, reported_on, "月度进展", None, projects[project_id][0], project_id

        def changes():
            for report_id, project_id in enumerate(project_ids, start=1):
                yield (
                    report_id,
                    "work_item",
                    report_id % 1000 + 1,
                    "completed_quantity",
                    '"10.00"',
                    '"20.00"',
                    project_id,
                )

        def figures():
            for report_id, project_id in enumerate(project_ids, start=1):
                yield report_id, projects[project_id][1], 0, 0, 0, 0, 0, 0, project_id

        self.copy(
            cursor,
            REPORTS,
            ["id", "created_at", "updated_at", "reported_on", "summary", "author_id", "office_id", "project_id"],
            reports(),
        )
        self.copy(
            cursor,
            REPORT_CHANGES,
            ["report_id", "target", "object_id", "field", "before", "after", "project_id"],
            changes(),
        )
        self.copy(
            cursor,
            REPORT_FIGURES,
            [
                "report_id",
                "progress",
                "investment_completed",
                "land_planned_mu",
                "land_completed_mu",
                "rooms_planned",
                "rooms_signed",
                "rooms_demolished",
                "project_id",
            ],  # fmt: skip
            figures(),
        )
        # The sequence keeps its first name when a migration renames the table: ask PostgreSQL for it.
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [REPORTS, total])


if __name__ == "__main__":
    main()
