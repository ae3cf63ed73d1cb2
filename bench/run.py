"""Our API against the floor (bench/floor.py), under the same load, on a generated province.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench .venv/bin/python bench/run.py \\
        [--workers 4] [--connections 8] [--duration 15] [--only summary,overdue]

Starts both under gunicorn with the same worker count (ours with its production settings and
Redis, as `make serve` runs it), checks that both answer the same JSON for every read request,
then loads each endpoint with wrk from a separate process on loopback, one after the other, and
prints requests per second, p50 and p99 for ours and for the floor, their ratio, and the SQL
queries one request of ours runs. Needs wrk (`apt-get install wrk`) and the data of
bench/generate.py. The POST rows write progress reports into that database.
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
from dataclasses import dataclass
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of each server")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint and server")
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database that bench/generate.py filled.")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    with servers(database_url, args.workers) as urls:
        token = login(urls["ours"])
        endpoints = [e for e in pick_endpoints(database_url) if not args.only or e.name in args.only.split(",")]
        check_same_answers(urls, token, [e for e in endpoints if e.floor and not e.post])
        counts = query_counts(database_url, endpoints)
        print(f"\n{args.workers} workers each, `{' '.join(wrk_command(args))}`, one endpoint at a time\n")
        print("| endpoint | queries | ours req/s | ours p50 | ours p99 | floor req/s | floor p50 | floor p99 | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for endpoint in endpoints:
            ours = load(urls["ours"], endpoint, token, args)
            floor = load(urls["floor"], endpoint, token, args) if endpoint.floor else None
            print(row(endpoint, counts[endpoint.name], ours, floor), flush=True)
            if endpoint.name in CACHED_REPORTS:
                # Computed afresh, one request at a time: how long a cache miss keeps its caller waiting.
                alone = argparse.Namespace(**{**vars(args), "connections": 1})
                cold = load(urls["ours-uncached"], endpoint, token, alone)
                floor_alone = load(urls["floor"], endpoint, token, alone)
                cold_row = Endpoint(f"{endpoint.name}, cache off, one connection", endpoint.path)
                print(row(cold_row, counts[endpoint.name], cold, floor_alone), flush=True)


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


def report_bodies(database_url: str) -> list[dict]:
    """Reports on up to 100 projects of the user's office, each with five of the project's work items: every
    POST picks one, as offices report on their own projects, not all on one (which would only measure a lock)."""
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        projects = connection.execute(
            """SELECT w.project_id, (array_agg(w.id ORDER BY w.id))[1:5] FROM projects_workitem w
               JOIN projects_project p ON p.id = w.project_id JOIN accounts_user u ON u.office_id = p.office_id
               WHERE u.username = %s GROUP BY 1 HAVING count(*) >= 5 ORDER BY 1 LIMIT 100""",
            [USERNAME],
        ).fetchall()
    today = time.strftime("%Y-%m-%d")
    return [
        {
            "project": project,
            "reported_on": today,
            "summary": "bench",
            "work_items": [{"id": item, "completed_quantity": "1.00"} for item in items],
        }
        for project, items in projects
    ]


# --- servers -------------------------------------------------------------------------------------


@contextlib.contextmanager
def servers(database_url: str, workers: int):
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
    gunicorn = [PYTHON, "-m", "gunicorn", "--workers", str(workers), "--max-requests", "0"]
    ours = [*gunicorn[:3], "-c", "config/gunicorn.py", *gunicorn[3:]]
    commands = {
        "ours": ([*ours, "--bind", "127.0.0.1:8101", "config.wsgi"], env),
        "ours-uncached": ([*ours, "--bind", "127.0.0.1:8103", "config.wsgi"], {**env, "REPORT_CACHE_SECONDS": "0"}),
        "floor": ([*gunicorn, "--bind", "127.0.0.1:8102", "bench.floor:app"], env),
    }
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=process_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command, process_env in commands.values()
    ]
    urls = {name: f"http://{command[command.index('--bind') + 1]}" for name, (command, _) in commands.items()}
    try:
        for url in urls.values():
            wait_until_up(url)
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def wait_until_up(url: str) -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{url}/api/v1/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not start")


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
    posts = {e.name: report_bodies(database_url)[0] for e in endpoints if e.post}
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env |= {"SECRET_KEY": SECRET_KEY, "SECURE_SSL_REDIRECT": "false"}
    script = ROOT / "bench" / "query_counts.py"
    post = {name: ["/api/v1/progress-reports/", body] for name, body in posts.items()}
    spec = json.dumps({"username": USERNAME, "password": PASSWORD, "get": paths, "post": post})
    output = subprocess.run([PYTHON, script, spec], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


# --- load ----------------------------------------------------------------------------------------

POST_SCRIPT = """
local bodies = {%s}
local n = 0
request = function()
  n = n + 1
  local body = bodies[math.random(#bodies)]:gsub('"1.00"', function() return '"' .. math.random(0, 5000) .. '.00"' end)
  wrk.headers["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. n .. "-" .. math.random(1, 1000000000)
  return wrk.format("POST", nil, nil, body)
end
"""
SETUP_SCRIPT = """
local counter = 1
setup = function(thread) thread:set("thread_id", counter); counter = counter + 1 end
"""


def wrk_command(args) -> list[str]:
    threads = min(2, args.connections)  # wrk wants a connection per thread at least
    return ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "30s"]


def load(url: str, endpoint: Endpoint, token: str, args) -> Result:
    command = [*wrk_command(args), "-H", f"Authorization: Token {token}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if endpoint.post:
            bodies = ", ".join(lua_string(json.dumps(body)) for body in report_bodies(os.environ["DATABASE_URL"]))
            script.write(SETUP_SCRIPT + POST_SCRIPT % bodies)
            command += ["-H", "Content-Type: application/json"]
        command += ["-s", script.name]
    output = subprocess.run([*command, url + endpoint.path], check=True, capture_output=True, text=True).stdout
    os.unlink(script.name)
    return parse_wrk(output)


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def parse_wrk(output: str) -> Result:
    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    )


def row(endpoint: Endpoint, queries: int, ours: Result, floor: Result | None) -> str:
    def cells(result: Result | None) -> str:
        if result is None:
            return "– | – | –"
        errors = f" ({result.errors} errors)" if result.errors else ""
        rate = f"{result.rps:.1f}" if result.rps < 10 else f"{result.rps:.0f}"
        return f"{rate}{errors} | {result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms"

    ratio = f"{ours.rps / floor.rps:.2f}" if floor and floor.rps else "–"
    return f"| {endpoint.name} | {queries} | {cells(ours)} | {cells(floor)} | {ratio} |"


if __name__ == "__main__":
    main()
