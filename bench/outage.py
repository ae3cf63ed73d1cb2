"""Database outage drill: the production server keeps its promises while PostgreSQL blinks.

What it does, all on 127.0.0.1 and bounded in time:

1. starts a TCP proxy (in this process) in front of PostgreSQL, creates a scratch database through it,
   migrates it and loads the demo;
2. starts the production server (`bin/serve`: gunicorn, config.settings.production) on that database;
3. runs a small load for `--duration` seconds: writer threads post progress reports on SL-FH-1's work item
   as demo-flood-control, reader threads list reports and projects, one thread polls /readyz;
4. at `--cut-at` seconds cuts the database (the proxy stops listening and resets every connection) for
   `--outage` seconds, then restores it;
5. checks and reports, exiting 1 if any check fails:
   - no answer but 2xx, or 503 with a problem body while the database is away (no 500, no hang);
   - every report answered 201 is in the database (nothing committed was lost);
   - nothing half-written: each bench report has its one change and its figures (SL-FH-1 and SL-FH, the
     progress matching the quantity), the changes of the work item chain (each `before` is the previous
     `after`) and end at the row's current value and the project's stored progress;
   - recovery: requests succeed again within `--recovery-limit` seconds of the restore, with no restart;
6. stops the server and the proxy and drops the scratch database.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust auth):

    .venv/bin/python bench/outage.py                 # persistent connections (the default settings)
    .venv/bin/python bench/outage.py --pool          # psycopg pool per worker (DB_POOL_MAX=2)
    .venv/bin/python bench/outage.py --duration 40 --cut-at 10 --outage 10

Options: --pg-port (5432), --database (h_serving_outage), --workers (3), --writers (3), --readers (2),
--keep (leave the database and the server log). See docs/DEPLOYMENT.md.
"""

import argparse
import asyncio
import collections
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

ROOT = Path(__file__).resolve().parent.parent
LOCALHOST = "127.0.0.1"
EDITOR = ("demo-flood-control", "shuitou-editor")
PROJECT = "SL-FH-1"
SUMMARY_PREFIX = "bench-outage"


# --- The proxy: the one thing between the app and PostgreSQL that this script controls -------------------------


class Proxy:
    """A TCP proxy on 127.0.0.1 whose `cut()` refuses new connections and resets open ones (the database
    is gone, as during a restart or failover) and whose `restore()` listens again on the same port."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server = None
        self.transports: set[asyncio.Transport] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, name="proxy", daemon=True)

    def start(self):
        self.thread.start()
        self.restore()

    def cut(self):
        self._run(self._cut())

    def restore(self):
        self._run(self._listen())

    def stop(self):
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    def _run(self, coroutine):
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _listen(self):
        self.server = await asyncio.start_server(self._handle, LOCALHOST, self.port, reuse_address=True)

    async def _cut(self):
        if self.server is not None:
            self.server.close()
            self.server = None
        for transport in list(self.transports):
            transport.abort()  # RST both ways: PostgreSQL rolls back what the connection had open
        self.transports.clear()

    async def _handle(self, client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(LOCALHOST, self.upstream_port)
        except OSError:
            client_writer.transport.abort()
            return
        pair = {client_writer.transport, upstream_writer.transport}
        self.transports |= pair
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
            return_exceptions=True,
        )
        self.transports -= pair

    @staticmethod
    async def _pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()  # one side ended: end the other


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


# --- HTTP ------------------------------------------------------------------------------------------------------


class Api:
    def __init__(self, port: int):
        self.base = f"http://{LOCALHOST}:{port}"
        self.token = None

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 20) -> tuple[int, dict | None]:
        """(status, JSON body or None); status 0 for no answer (connection refused, reset, timeout)."""
        headers = {"Accept": "application/json", "Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read()) | {"_content_type": error.headers.get("Content-Type")}
        except (OSError, urllib.error.URLError):
            return 0, None


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"null")
    except ValueError:
        return {"_raw": raw[:200].decode(errors="replace")}
    return value if isinstance(value, dict) else {"_list": value}


# --- The drill -------------------------------------------------------------------------------------------------


class Drill:
    def __init__(self, options):
        self.options = options
        self.run_id = secrets.token_hex(3)
        self.proxy = Proxy(options.pg_port)
        self.http_port = free_port()
        self.api = Api(self.http_port)
        self.workdir = Path(tempfile.mkdtemp(prefix="shuitou-outage-"))
        self.server = None
        self.log_path = self.workdir / "server.log"
        self.events: list[tuple] = []  # (started at, kind, status, seconds, extra, body)
        self.events_lock = threading.Lock()
        self.started = self.cut_at = self.restored_at = None
        self.failures: list[str] = []

    # Setup and teardown

    def env(self) -> dict:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"postgres://postgres@{LOCALHOST}:{self.proxy.port}/{self.options.database}",
            "ALLOWED_HOSTS": LOCALHOST,
            "SECURE_SSL_REDIRECT": "false",
            "HOST": LOCALHOST,
            "PORT": str(self.http_port),
            "WEB_CONCURRENCY": str(self.options.workers),
            "DB_CONNECT_TIMEOUT": "2",
            "DB_STATEMENT_TIMEOUT_MS": "5000",
            "THROTTLE_ANON_RATE": "100000/minute",
            "THROTTLE_USER_RATE": "100000/minute",
            "LOG_LEVEL": "INFO",
        }
        if self.options.pool:
            env |= {"DB_POOL_MIN": "1", "DB_POOL_MAX": "2"}
        return env

    def admin_connection(self):
        return psycopg.connect(host=LOCALHOST, port=self.options.pg_port, user="postgres", dbname="postgres")

    def setup(self):
        self.proxy.start()
        with self.admin_connection() as admin:
            admin.autocommit = True
            admin.execute(f'DROP DATABASE IF EXISTS "{self.options.database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.options.database}"')
        python = str(ROOT / ".venv" / "bin" / "python")
        for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
            subprocess.run(
                [python, "manage.py", *command],
                cwd=ROOT,
                env=self.env(),
                check=True,
                timeout=300,
                stdout=subprocess.DEVNULL,
            )
        self.server = subprocess.Popen(
            ["bin/serve"],
            cwd=ROOT,
            env=self.env() | {"PYTHON": python},
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole at the end
        )
        deadline = time.monotonic() + 90
        while self.api.call("GET", "/healthz", timeout=2)[0] != 200:
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise SystemExit(f"the server did not start; see {self.log_path}")
            time.sleep(0.5)
        status, body = self.api.call("POST", "/api/v1/auth/token/", {"username": EDITOR[0], "password": EDITOR[1]})
        if status != 200:
            raise SystemExit(f"login as {EDITOR[0]} failed: {status} {body}")
        self.api.token = body["token"]
        status, body = self.api.call("GET", f"/api/v1/projects/?code={PROJECT}")
        self.project_id = body["results"][0]["id"]
        status, body = self.api.call("GET", f"/api/v1/work-items/?project={self.project_id}")
        item = body["results"][0]
        self.work_item_id, self.planned = item["id"], Decimal(item["planned_quantity"])

    def teardown(self):
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
        self.proxy.stop()
        if not self.options.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
            with self.admin_connection() as admin:
                admin.autocommit = True
                admin.execute(f'DROP DATABASE IF EXISTS "{self.options.database}" WITH (FORCE)')

    # Load

    def now(self) -> float:
        return time.monotonic() - self.started

    def record(self, kind: str, began: float, status: int, extra=None, body=None):
        """One answer: when the request started (seconds into the run), how long it took, what it got."""
        with self.events_lock:
            self.events.append((began - self.started, kind, status, time.monotonic() - began, extra, body))

    def writer(self, index: int, stop_at: float):
        today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        count = 0
        while time.monotonic() < stop_at:
            # Distinct from every value any thread sends, so each report changes the row and the chain is exact.
            value = (Decimal(1 + index + count * self.options.writers) / 100).quantize(Decimal("0.01"))
            count += 1
            body = {
                "project": self.project_id,
                "reported_on": today,
                "summary": f"{SUMMARY_PREFIX}-{self.run_id}-{index}-{count}",
                "work_items": [{"id": self.work_item_id, "completed_quantity": str(value)}],
            }
            began = time.monotonic()
            status, answer = self.api.call("POST", "/api/v1/progress-reports/", body)
            report_id = answer.get("id") if status == 201 and answer else None
            self.record("post", began, status, (report_id, str(value)), answer)
            time.sleep(0.02)

    def reader(self, index: int, stop_at: float):
        paths = [f"/api/v1/progress-reports/?project={self.project_id}&limit=5", "/api/v1/projects/?code=SL-FH"]
        count = 0
        while time.monotonic() < stop_at:
            began = time.monotonic()
            status, answer = self.api.call("GET", paths[count % 2])
            self.record("get", began, status, None, answer)
            count += 1
            time.sleep(0.02)

    def prober(self, stop_at: float):
        while time.monotonic() < stop_at:
            began = time.monotonic()
            status, answer = self.api.call("GET", "/readyz", timeout=10)
            self.record("readyz", began, status, None, answer)
            time.sleep(0.25)

    def run(self):
        options = self.options
        self.started = time.monotonic()
        stop_at = self.started + options.duration
        threads = [threading.Thread(target=self.writer, args=(i, stop_at)) for i in range(options.writers)]
        threads += [threading.Thread(target=self.reader, args=(i, stop_at)) for i in range(options.readers)]
        threads.append(threading.Thread(target=self.prober, args=(stop_at,)))
        for thread in threads:
            thread.start()
        time.sleep(options.cut_at)
        self.proxy.cut()
        self.cut_at = self.now()  # once every connection is reset: requests started later find no database
        print(f"[{self.cut_at:5.1f}s] database cut")
        time.sleep(options.outage)
        self.proxy.restore()
        self.restored_at = self.now()
        print(f"[{self.restored_at:5.1f}s] database restored")
        for thread in threads:
            thread.join(timeout=options.duration + 60)

    # Checks

    def check(self, ok: bool, message: str):
        print(f"  [{'ok' if ok else 'FAIL'}] {message}")
        if not ok:
            self.failures.append(message)

    def report(self):
        options, events = self.options, self.events
        print(
            f"\nTimeline: load {options.duration}s, database cut at {self.cut_at:.1f}s, "
            f"restored at {self.restored_at:.1f}s ({self.restored_at - self.cut_at:.1f}s away)"
        )
        windows = {
            "before": (0, self.cut_at),
            "outage": (self.cut_at, self.restored_at),
            "after": (self.restored_at, float("inf")),
        }
        print(f"\n{'requests':<10}{'window':<8}{'count':>7}  statuses                      max latency")
        for kind in ("post", "get", "readyz"):
            for window, (start, end) in windows.items():
                chosen = [e for e in events if e[1] == kind and start <= e[0] < end]
                statuses = collections.Counter(e[2] for e in chosen)
                latency = max((e[3] for e in chosen), default=0)
                shown = ", ".join(f"{s or 'no answer'}×{n}" for s, n in sorted(statuses.items()))
                print(f"{kind:<10}{window:<8}{len(chosen):>7}  {shown:<30}{latency:>6.2f}s")

        print("\nChecks")
        api_events = [e for e in events if e[1] in ("post", "get")]
        bad = [e for e in api_events if not (200 <= e[2] < 300 or e[2] == 503)]
        self.check(
            not bad,
            f"API answers are 2xx or 503 only: {len(api_events)} requests, "
            f"{len(bad)} others {collections.Counter(e[2] for e in bad)}",
        )
        unavailable = [e for e in events if e[2] == 503]
        shaped = all(
            (e[5] or {}).get("type") == "urn:shuitou:problem:database-unavailable"
            and "application/problem+json" in ((e[5] or {}).get("_content_type") or "")
            for e in unavailable
        )
        self.check(
            bool(unavailable) and shaped,
            f"{len(unavailable)} answers were 503 with a database-unavailable problem body",
        )
        early = [e for e in unavailable if e[0] + e[3] < self.cut_at]
        self.check(not early, "no 503 before the cut")
        grace = options.recovery_limit
        slowest = max((e[3] for e in api_events), default=0)
        self.check(
            slowest < 10, f"no request hung: slowest answer {slowest:.2f}s (connect timeout 2s, statement timeout 5s)"
        )
        # Posts that started while the database was away, and gave up (connect timeout 2 s) before it came back.
        outage_posts = [e for e in events if e[1] == "post" and self.cut_at <= e[0] < self.restored_at - 2.5]
        self.check(
            bool(outage_posts) and all(e[2] == 503 for e in outage_posts),
            f"while the database was away every post answered 503 ({len(outage_posts)} posts)",
        )

        # When the first request started after the restore got a 2xx answer, by kind.
        first_ok = {
            kind: min(
                (e[0] + e[3] for e in events if e[1] == kind and e[0] >= self.restored_at and 200 <= e[2] < 300),
                default=None,
            )
            for kind in ("post", "get", "readyz")
        }
        failing_after = [
            e
            for e in api_events + [e for e in events if e[1] == "readyz"]
            if e[0] >= self.restored_at + grace and not 200 <= e[2] < 300
        ]
        recovered = all(t is not None and t - self.restored_at <= grace for t in first_ok.values())
        shown = ", ".join(
            f"{k} {t - self.restored_at:.2f}s" if t is not None else f"{k} never" for k, t in first_ok.items()
        )
        self.check(
            recovered and not failing_after,
            f"recovered without a restart: first success after the restore: {shown}; "
            f"{len(failing_after)} failures later than {grace}s after it",
        )
        self.check_database()
        self.check_server_log()

    def check_database(self):
        created = {e[4][0]: e[4][1] for e in self.events if e[1] == "post" and e[2] == 201}
        with psycopg.connect(
            host=LOCALHOST, port=self.options.pg_port, user="postgres", dbname=self.options.database
        ) as db:
            reports = dict(
                db.execute(
                    "SELECT id, summary FROM projects_progressreport WHERE summary LIKE %s",
                    [f"{SUMMARY_PREFIX}-{self.run_id}-%"],
                ).fetchall()
            )
            changes = db.execute(
                "SELECT report_id, object_id, field, before, after FROM projects_reportchange "
                "WHERE report_id = ANY(%s) ORDER BY report_id",
                [list(reports)],
            ).fetchall()
            figures = db.execute(
                "SELECT f.report_id, p.code, f.progress FROM projects_reportfigures f "
                "JOIN projects_project p ON p.id = f.project_id WHERE f.report_id = ANY(%s)",
                [list(reports)],
            ).fetchall()
            (current,) = db.execute(
                "SELECT completed_quantity FROM projects_workitem WHERE id = %s", [self.work_item_id]
            ).fetchone()
            (stored_progress,) = db.execute(
                "SELECT progress FROM projects_project WHERE id = %s", [self.project_id]
            ).fetchone()
        missing = sorted(set(created) - set(reports))
        self.check(
            not missing,
            f"every 201 is in the database: {len(created)} answered 201, "
            f"{len(set(created) & set(reports))} found, missing {missing[:5]}",
        )
        extra = len(reports) - len(created)
        print(
            f"       ({extra} more report(s) committed whose answer was lost in the cut: the client saw 503 "
            f"or no answer; they are checked below like the others)"
        )

        by_report = collections.defaultdict(list)
        for report_id, object_id, field, before, after in changes:
            by_report[report_id].append((object_id, field, before, after))
        figures_by_report = collections.defaultdict(dict)
        for report_id, code, progress in figures:
            figures_by_report[report_id][code] = progress
        half = []
        for report_id in reports:
            rows = by_report.get(report_id, [])
            if len(rows) != 1 or rows[0][:2] != (self.work_item_id, "completed_quantity"):
                half.append((report_id, "changes", rows))
                continue
            got = figures_by_report.get(report_id, {})
            expected = (Decimal(rows[0][3]) / self.planned * 100).quantize(Decimal("0.0001"))
            if set(got) != {"SL-FH", "SL-FH-1"} or got["SL-FH-1"] != expected:
                half.append((report_id, "figures", got))
        for report_id, value in created.items():
            rows = by_report.get(report_id, [])
            if rows and Decimal(rows[0][3]) != Decimal(value):
                half.append((report_id, "value", value, rows))
        self.check(
            not half,
            f"nothing half-written: each of {len(reports)} reports has its change and its "
            f"figures (progress = quantity / planned) {half[:3]}",
        )
        chain = [(r, Decimal(b), Decimal(a)) for r, rows in sorted(by_report.items()) for _, _, b, a in rows]
        broken = [(p, n) for p, n in zip(chain, chain[1:], strict=False) if p[2] != n[1]]
        ends = chain[-1][2] if chain else None
        self.check(
            not broken and ends == current,
            f"the work item's history is one unbroken chain of {len(chain)} changes ending at its "
            f"current value {current} {broken[:2]}",
        )
        expected_progress = (current / self.planned * 100).quantize(Decimal("0.0001"))
        self.check(
            stored_progress == expected_progress,
            f"{PROJECT}'s stored progress {stored_progress} matches its quantity ({expected_progress})",
        )

    def check_server_log(self):
        statuses = collections.Counter()
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"shuitou.request"' in line:
                statuses[json.loads(line)["status"]] += 1
        server_errors = {s: n for s, n in statuses.items() if s >= 500 and s != 503}
        self.check(
            statuses and not server_errors,
            f"server log: {sum(statuses.values())} JSON request lines, by status {dict(sorted(statuses.items()))}",
        )


def _hard_stop(signum, frame):
    raise TimeoutError("the drill ran past its hard time limit")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--cut-at", type=float, default=10)
    parser.add_argument("--outage", type=float, default=6)
    parser.add_argument("--recovery-limit", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument(
        "--pool", action="store_true", help="a psycopg pool per worker instead of persistent connections"
    )
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("--database", default="h_serving_outage")
    parser.add_argument("--keep", action="store_true", help="keep the database and the server log")
    options = parser.parse_args()
    if options.cut_at + options.outage + options.recovery_limit > options.duration:
        parser.error("--duration must leave room for the cut, the outage and the recovery limit")
    signal.signal(signal.SIGALRM, _hard_stop)
    signal.alarm(int(options.duration) + 600)  # a hard stop, whatever happens (the cleanup still runs)

    drill = Drill(options)
    mode = "psycopg pool (DB_POOL_MAX=2)" if options.pool else "persistent connections (CONN_MAX_AGE=60, health checks)"
    print(
        f"Outage drill {drill.run_id}: gunicorn ×{options.workers} workers, {mode}; "
        f"{options.writers} writers, {options.readers} readers, 1 readiness probe; "
        f"proxy 127.0.0.1:{drill.proxy.port} → PostgreSQL 127.0.0.1:{options.pg_port}/{options.database}"
    )
    try:
        drill.setup()
        print(
            f"Server up on 127.0.0.1:{drill.http_port}; posting to {PROJECT} work item {drill.work_item_id} "
            f"as {EDITOR[0]}"
        )
        drill.run()
        drill.report()
    finally:
        drill.teardown()
    if options.keep:
        print(f"\nServer log: {drill.log_path}")
    print(f"\n{'PASS' if not drill.failures else f'FAIL: {len(drill.failures)} check(s) failed'}")
    sys.exit(1 if drill.failures else 0)


if __name__ == "__main__":
    main()
