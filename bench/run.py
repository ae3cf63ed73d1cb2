"""Our API against the floor (bench/floor.py), under the same load, on a generated province.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench .venv/bin/python bench/run.py \\
        [--workers 4] [--connections 8] [--duration 15] [--only summary,overdue]

Starts both under gunicorn with the same configuration (`-c config/gunicorn.py`: gthread workers,
keep-alive) and the same worker count (ours with its production settings and Redis, as `make serve`
runs it), checks that both answer the same JSON for every read request, then loads each endpoint
with wrk from a separate process on loopback, one after the other, and prints requests per second,
p50 and p99 for ours and for the floor, their ratio, and the SQL queries one request of ours runs.
Needs wrk (`apt-get install wrk`) and the data of bench/generate.py.

`--only` takes endpoint names or their slugs: `--only progress-report` runs the report POST alone
(about a minute at the defaults). The POST rows write progress reports into that database, each
with a fresh Idempotency-Key (a random run id and a counter) and new values for its five work
items; every answer is checked during the load (201, not a replay, the expected body) and the
written rows are counted afterwards. A row that fails a check is marked and run.py exits 1.
"""

import argparse
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USERNAME, PASSWORD = "bench-office-001", "bench-pass"  # made by bench/generate.py
SECRET_KEY = "bench-" + "k" * 60
CACHED_REPORTS = ("summary", "overdue")  # also measured with the report cache off


@dataclass
class Endpoint:
    name: str
    path: str
    floor: bool = True  # the floor answers it too
    post: bool = False


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    checks: str = ""  # what the checks of a POST row saw
    problems: list[str] = field(default_factory=list)  # failed checks of the answers or of the rows written


def slug(name: str) -> str:
    """An endpoint's name as `--only` takes it: `progress report` -> `progress-report`."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of each server")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint and server")
    parser.add_argument(
        "--only", default="", help="comma-separated endpoint names or slugs, e.g. progress-report,summary"
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database that bench/generate.py filled.")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    endpoints = only(pick_endpoints(database_url), args.only)
    uncached = any(e.name in CACHED_REPORTS for e in endpoints)
    with servers(database_url, args.workers, uncached=uncached) as urls:
        token = login(urls["ours"])
        check_same_answers(urls, token, [e for e in endpoints if e.floor and not e.post])
        counts = query_counts(database_url, endpoints)
        print(f"\n{args.workers} workers each, `{' '.join(wrk_command(args))}`, one endpoint at a time\n")
        print("| endpoint | queries | ours req/s | ours p50 | ours p99 | floor req/s | floor p50 | floor p99 | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = []
        for endpoint in endpoints:
            # Ours answers a report with its changes (five work items); the floor with the new report's id alone.
            ours = load(urls["ours"], endpoint, token, args, expected_changes=5)
            floor = load(urls["floor"], endpoint, token, args) if endpoint.floor else None
            rows.append((endpoint, ours, floor))
            print(row(endpoint, counts[endpoint.name], ours, floor), flush=True)
            if endpoint.name in CACHED_REPORTS:
                # Computed afresh, one request at a time: how long a cache miss keeps its caller waiting.
                alone = argparse.Namespace(**{**vars(args), "connections": 1})
                cold = load(urls["ours-uncached"], endpoint, token, alone)
                floor_alone = load(urls["floor"], endpoint, token, alone)
                cold_row = Endpoint(f"{endpoint.name}, cache off, one connection", endpoint.path)
                rows.append((cold_row, cold, floor_alone))
                print(row(cold_row, counts[endpoint.name], cold, floor_alone), flush=True)
    print()
    for endpoint, ours, floor in rows:
        if floor is not None:
            ratio = f"{ours.rps / floor.rps:.3f}" if floor.rps else "–"
            print(f"{endpoint.name}: ours {ours.rps:.1f} req/s, floor {floor.rps:.1f} req/s, ours/floor {ratio}")
    failed = [
        f"{endpoint.name}, {side}: {problem}"
        for endpoint, ours, floor in rows
        for side, result in (("ours", ours), ("floor", floor))
        if result is not None
        for problem in result.problems
    ]
    for endpoint, ours, floor in rows:
        for side, result in (("ours", ours), ("floor", floor)):
            if result is not None and result.checks:
                print(f"{endpoint.name}, {side}: {result.checks}")
    if failed:
        print("\nFAILED checks (the rows marked FAILED above do not count):", *failed, sep="\n  ", file=sys.stderr)
        sys.exit(1)


def only(endpoints: list[Endpoint], names: str) -> list[Endpoint]:
    """The endpoints `--only` names (by name or slug), in their usual order; all without it."""
    if not names:
        return endpoints
    wanted = {slug(name) for name in names.split(",") if name.strip()}
    unknown = wanted - {slug(e.name) for e in endpoints}
    if unknown:
        sys.exit(f"--only: unknown {', '.join(sorted(unknown))}; known: {', '.join(slug(e.name) for e in endpoints)}")
    return [e for e in endpoints if slug(e.name) in wanted]


def pick_endpoints(database_url: str) -> list[Endpoint]:
    """The requests: an office's projects, a parent project, a project with five work items to report on."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        office, parent = connection.execute(
            """SELECT p.office_id, p.id FROM projects_project p JOIN accounts_user u ON u.office_id = p.office_id
               WHERE u.username = %s AND EXISTS (SELECT 1 FROM projects_project c WHERE c.parent_id = p.id)
               ORDER BY p.id LIMIT 1""",
            [USERNAME],
        ).fetchone()
        deep_id = connection.execute("SELECT id FROM projects_project ORDER BY id OFFSET 9999 LIMIT 1").fetchone()[0]
    cursor = base64.urlsafe_b64encode(f"id:{deep_id}".encode()).decode().rstrip("=")
    return [
        Endpoint("projects", f"/api/v1/projects/?limit=50&office={office}"),
        Endpoint("project", f"/api/v1/projects/{parent}/"),
        Endpoint("milestones overdue", "/api/v1/milestones/?limit=50&overdue=true"),
        Endpoint("summary", "/api/v1/reports/summary/"),
        Endpoint("overdue", "/api/v1/reports/overdue/"),
        Endpoint("progress report", "/api/v1/progress-reports/", post=True),
        Endpoint("projects first page", "/api/v1/projects/?limit=50&cursor=", floor=False),
        Endpoint("projects cursor 10,000 deep", f"/api/v1/projects/?limit=50&cursor={cursor}", floor=False),
        Endpoint("projects offset 10,000", "/api/v1/projects/?limit=50&offset=10000", floor=False),
    ]


def connect(database_url: str):
    import psycopg

    return psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True)


def report_targets(database_url: str) -> list[tuple[int, list[int]]]:
    """Up to 100 projects of the user's office, each with five of the project's work items: every POST
    picks one, as offices report on their own projects, not all on one (which would only measure a lock)."""
    with connect(database_url) as connection:
        return connection.execute(
            """SELECT w.project_id, (array_agg(w.id ORDER BY w.id))[1:5] FROM projects_workitem w
               JOIN projects_project p ON p.id = w.project_id JOIN accounts_user u ON u.office_id = p.office_id
               WHERE u.username = %s GROUP BY 1 HAVING count(*) >= 5 ORDER BY 1 LIMIT 100""",
            [USERNAME],
        ).fetchall()


def report_body(project: int, items: list[int], summary: str, quantity: str) -> dict:
    return {
        "project": project,
        "reported_on": time.strftime("%Y-%m-%d"),
        "summary": summary,
        "work_items": [{"id": item, "completed_quantity": quantity} for item in items],
    }


def report_tables(connection) -> tuple[str, str]:
    """The tables of the progress reports and of their changes: `projects_…` since they moved from `reporting`."""
    for app in ("projects", "reporting"):
        reports, changes = f"{app}_progressreport", f"{app}_reportchange"
        if connection.execute("SELECT to_regclass(%s) IS NOT NULL", [reports]).fetchone()[0]:
            return reports, changes
    sys.exit("No progress report table in the database: run `make bench-data`.")


# --- servers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def servers(database_url: str, workers: int, uncached: bool = True):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "THROTTLE_USER_RATE": "100000000/minute",
        "THROTTLE_ANON_RATE": "100000000/minute",
        "LOG_LEVEL": "WARNING",
    }
    # One gunicorn configuration for both, ours as `make serve` runs it: gthread workers that keep connections
    # alive (gunicorn's default sync workers close each one, which would make the floor pay a connect per request).
    gunicorn = [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.py", "--workers", str(workers), "--max-requests", "0"]
    commands = {
        "ours": ([*gunicorn, "--bind", "127.0.0.1:8101", "config.wsgi"], env),
        "floor": ([*gunicorn, "--bind", "127.0.0.1:8102", "bench.floor:app"], env),
    }
    if uncached:
        no_cache = {**env, "REPORT_CACHE_SECONDS": "0"}
        commands["ours-uncached"] = ([*gunicorn, "--bind", "127.0.0.1:8103", "config.wsgi"], no_cache)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    logs = {name: tempfile.NamedTemporaryFile("w+", prefix=f"bench-{name}-", suffix=".log") for name in commands}
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=process_env, stdout=subprocess.DEVNULL, stderr=logs[name])
        for name, (command, process_env) in commands.items()
    ]
    urls = {name: f"http://{command[command.index('--bind') + 1]}" for name, (command, _) in commands.items()}
    try:
        for name, url in urls.items():
            wait_until_up(url, logs[name])
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        for log in logs.values():
            log.close()


def wait_until_up(url: str, log) -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{url}/api/v1/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    log.seek(0)
    sys.exit(f"{url} did not start; the end of its log:\n{log.read()[-3000:]}")


def login(url: str) -> str:
    body = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
    request = urllib.request.Request(f"{url}/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


# --- checks --------------------------------------------------------------------------------------


def fetch(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(re.sub(rb"http://127\.0\.0\.1:\d+", b"http://host", response.read()))


def check_same_answers(urls: dict, token: str, endpoints: list[Endpoint]) -> None:
    """Both servers answer the same JSON, or the comparison means nothing."""
    for endpoint in endpoints:
        ours, floor = (fetch(urls[name] + endpoint.path, token) for name in ("ours", "floor"))
        if ours != floor:
            sys.exit(f"{endpoint.name}: the floor's answer differs from ours\n{first_difference(ours, floor)}")
        print(f"same answer: {endpoint.name}", flush=True)


def first_difference(ours, floor, path="") -> str:
    if isinstance(ours, dict) and isinstance(floor, dict):
        for key in ours.keys() | floor.keys():
            if ours.get(key) != floor.get(key):
                return first_difference(ours.get(key), floor.get(key), f"{path}.{key}")
    if isinstance(ours, list) and isinstance(floor, list) and len(ours) == len(floor):
        for index, (a, b) in enumerate(zip(ours, floor, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
    return f"at {path or '/'}: ours {ours!r}, floor {floor!r}"


def query_counts(database_url: str, endpoints: list[Endpoint]) -> dict[str, int]:
    """SQL statements of one request of ours, counted in a child process (bench/query_counts.py)."""
    paths = {e.name: e.path for e in endpoints if not e.post}
    posts = {e.name: report_body(*report_targets(database_url)[0], "bench", "1.00") for e in endpoints if e.post}
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env |= {"SECRET_KEY": SECRET_KEY, "SECURE_SSL_REDIRECT": "false"}
    script = ROOT / "bench" / "query_counts.py"
    post = {name: ["/api/v1/progress-reports/", body] for name, body in posts.items()}
    spec = json.dumps({"username": USERNAME, "password": PASSWORD, "get": paths, "post": post})
    output = subprocess.run([PYTHON, script, spec], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


# --- load ----------------------------------------------------------------------------------------

# Progress reports, each request new: its Idempotency-Key is the load's random run id and a counter (never
# sent before, so no earlier run's stored answer can be replayed within the keys' 24 hours), and its five
# work items get a value above every value stored when the load began and used by no other request of it (so
# every request really changes them). Every answer is checked: 201, not a replay, the report's body.
POST_SCRIPT = """
run_id, value_base, threads_total, expected_changes = "@RUN@", @BASE@, @THREADS@, @CHANGES@
bodies = {@BODIES@}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

sent, answered, created, not_created, replayed, misshapen, first_problem = 0, 0, 0, 0, 0, 0, ""

function request()
  sent = sent + 1
  local serial = sent * threads_total + thread_id
  local body = bodies[serial % #bodies + 1]:gsub("@QUANTITY@", string.format("%d.00", value_base + serial))
  wrk.headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. sent
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  local problem = nil
  if status ~= 201 then
    not_created = not_created + 1
    problem = "status " .. status
  else
    created = created + 1
    local _, changes = body:gsub('"field"%s*:%s*"completed_quantity"', "")
    if not body:find('^%s*{.*"id"%s*:%s*%d+') or changes ~= expected_changes then
      misshapen = misshapen + 1
      problem = "unexpected body (" .. changes .. " changes)"
    end
  end
  for name, _ in pairs(headers) do
    if name:lower() == "idempotent-replayed" then
      replayed = replayed + 1
      problem = "replayed"
    end
  end
  if problem and first_problem == "" then
    first_problem = problem .. ": " .. body:sub(1, 300):gsub("%s+", " ")
  end
end

function done(summary, latency, requests)
  local names = {"answered", "created", "not_created", "replayed", "misshapen"}
  local totals, first = {}, ""
  for _, name in ipairs(names) do totals[name] = 0 end
  for _, thread in ipairs(threads) do
    for _, name in ipairs(names) do totals[name] = totals[name] + thread:get(name) end
    if first == "" then first = thread:get("first_problem") end
  end
  io.write(string.format("checked: answered %d created %d not_created %d replayed %d misshapen %d\\n",
    totals.answered, totals.created, totals.not_created, totals.replayed, totals.misshapen))
  io.write("first problem: " .. first .. "\\n")
end
"""
QUANTITY = "@QUANTITY@"  # in the bodies, replaced by each request's value


def wrk_command(args) -> list[str]:
    threads = min(2, args.connections)  # wrk wants a connection per thread at least
    return ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "30s"]


def load(url: str, endpoint: Endpoint, token: str, args, expected_changes: int = 0) -> Result:
    """wrk on one endpoint. A POST row writes reports and checks them: `expected_changes` is how many
    changes each answer must list (ours lists them; the floor answers only the new report's id)."""
    if endpoint.post:
        return load_reports(url, endpoint, token, args, expected_changes)
    return run_wrk([*wrk_command(args), "-H", f"Authorization: Token {token}"], url + endpoint.path, "")[0]


def run_wrk(command: list[str], url: str, script: str) -> tuple[Result, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as file:
        file.write(script)
        file.flush()
        output = subprocess.run([*command, "-s", file.name, url], check=True, capture_output=True, text=True).stdout
    return parse_wrk(output), output


def load_reports(url: str, endpoint: Endpoint, token: str, args, expected_changes: int) -> Result:
    database_url = os.environ["DATABASE_URL"]
    run_id = uuid.uuid4().hex
    marker = f"bench {run_id}"
    targets = report_targets(database_url)
    items_per_report = {len(items) for _, items in targets}
    with connect(database_url) as connection:
        reports, changes = report_tables(connection)
        (last_report,) = connection.execute(f"SELECT coalesce(max(id), 0) FROM {reports}").fetchone()
        (highest,) = connection.execute(
            "SELECT coalesce(max(completed_quantity), 0) FROM projects_workitem WHERE id = ANY(%s)",
            [[item for _, items in targets for item in items]],
        ).fetchone()
    bodies = [json.dumps(report_body(project, items, marker, QUANTITY)) for project, items in targets]
    threads = int(wrk_command(args)[1].removeprefix("-t"))
    script = (
        POST_SCRIPT.replace("@RUN@", run_id)
        .replace("@BASE@", str(int(highest) + 1))
        .replace("@THREADS@", str(threads))
        .replace("@CHANGES@", str(expected_changes))
        .replace("@BODIES@", ", ".join(lua_string(body) for body in bodies))  # last: the bodies stay as they are
    )
    command = [*wrk_command(args), "-H", f"Authorization: Token {token}", "-H", "Content-Type: application/json"]
    result, output = run_wrk(command, url + endpoint.path, script)

    answered, created, not_created, replayed, misshapen = map(
        int, re.search(r"^checked: answered (\d+) created (\d+) not_created (\d+) replayed (\d+) misshapen (\d+)$",
                       output, re.M).groups()
    )  # fmt: skip
    first_problem = re.search(r"^first problem: (.*)$", output, re.M).group(1)
    with connect(database_url) as connection:
        # One statement, one snapshot: a request still running when wrk stopped may commit meanwhile.
        written, changed = connection.execute(
            f"""SELECT count(DISTINCT r.id), count(c.id) FROM {reports} r
                LEFT JOIN {changes} c ON c.report_id = r.id AND c.field = 'completed_quantity'
                WHERE r.id > %s AND r.summary = %s""",
            [last_report, marker],
        ).fetchone()
    problems = []
    if answered != result.requests:
        problems.append(f"wrk counted {result.requests} answers, the script checked {answered}")
    if not_created:
        problems.append(f"{not_created} answers not 201 (first: {first_problem})")
    if replayed:
        problems.append(f"{replayed} answers replayed an earlier request (Idempotent-Replayed)")
    if misshapen:
        problems.append(f"{misshapen} answers 201 without the expected body (first: {first_problem})")
    if result.errors:
        problems.append(f"{result.errors} socket errors or non-2xx answers (wrk)")
    # Requests still running when wrk stopped may commit unseen: at most one per connection.
    if not created <= written <= created + args.connections:
        problems.append(f"{written} reports in the database for {created} answers 201")
    if items_per_report != {5} or changed != 5 * written:
        problems.append(f"{changed} work-item changes recorded for {written} reports, not five each")
    result.problems = problems
    result.checks = (
        f"{answered} answers checked during the load: {created} × 201 ({misshapen} without the expected body), "
        f"{not_created} not 201, {replayed} replayed; {written} reports of this run in the database "
        f"with {changed} work-item changes; keys `{run_id}-<thread>-<n>`"
    )
    return result


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def parse_wrk(output: str) -> Result:
    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"^\s*(\d+) requests in ", output, re.M)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        requests=int(requests.group(1)) if requests else 0,
    )


def row(endpoint: Endpoint, queries: int, ours: Result, floor: Result | None) -> str:
    def cells(result: Result | None) -> str:
        if result is None:
            return "– | – | –"
        errors = f" ({result.errors} errors)" if result.errors else ""
        failed = " FAILED" if result.problems else ""
        rate = f"{result.rps:.1f}" if result.rps < 10 else f"{result.rps:.0f}"
        return f"{rate}{errors}{failed} | {result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms"

    ratio = f"{ours.rps / floor.rps:.2f}" if floor and floor.rps else "–"
    if ours.problems or (floor and floor.problems):
        ratio += " FAILED"
    return f"| {endpoint.name} | {queries} | {cells(ours)} | {cells(floor)} | {ratio} |"


if __name__ == "__main__":
    main()
