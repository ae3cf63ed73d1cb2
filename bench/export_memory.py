"""Export memory benchmark: how far a gunicorn worker's memory grows while it sends every project as a file.

Starts the app as production serves it (gunicorn -c config/gunicorn.py config.wsgi, config.settings.production)
with ONE worker on 127.0.0.1, against DATABASE_URL (default: the province-sized benchmark database that
bench/generate.py fills: 100,000 projects). For each format, on a server of its own (memory that an earlier
download freed would hide growth): logs in, sends one warm-up request (a page of the list, which loads every
module the exports use), then downloads `GET /api/v1/projects/?format=csv` (or `xlsx`) and prints the rows and
bytes received and the worker's peak RSS growth, its peak (VmHWM, reset first) less its RSS before the download,
against the target of 50 MB. Exits 1 when a format is over the target or rows are missing.

The worker keeps production's timeout (GUNICORN_TIMEOUT, 60 s): its gthread main loop reports to the master
while a download streams, so a download longer than that (XLSX of a province) must still arrive whole.

Run from the repository root (PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/export_memory.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench .venv/bin/python bench/export_memory.py \\
        --username bench-office-001 --password bench-pass --formats csv xlsx

The exports only read; logging in may write the user's token row. Linux only (it reads /proc).
"""

import argparse
import csv
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.outage import LOCALHOST, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shuitou_bench"
TARGET_MB = 50
CLIENT_TIMEOUT_SECONDS = 900
MB = 1024 * 1024


class Server:
    """gunicorn with one worker on a free port, in its own process group; stopped on leaving the block."""

    def __init__(self, database_url: str):
        self.port = free_port()
        self.base = f"http://{LOCALHOST}:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="shuitou-export-memory-", suffix=".log", delete=False)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": LOCALHOST,
            "SECURE_SSL_REDIRECT": "false",
            "THROTTLE_USER_RATE": "100000000/minute",
            "LOG_LEVEL": "warning",
        }
        self.process = None

    def __enter__(self) -> "Server":
        python = str(ROOT / ".venv" / "bin" / "python")
        command = [python, "-m", "gunicorn", "-c", "config/gunicorn.py", "--workers", "1"]
        command += ["--bind", f"{LOCALHOST}:{self.port}", "--max-requests", "0", "config.wsgi"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while not self._healthy():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"the server did not start; see {self.log.name}")
            time.sleep(0.3)
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if exc_type is None:
            Path(self.log.name).unlink()
        else:
            print(f"server log: {self.log.name}", file=sys.stderr)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def worker_pid(self) -> int:
        """The master's only child: the worker that serves every request."""
        children = [pid for pid in _pids() if _parent_pid(pid) == self.process.pid]
        if len(children) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {children}")
        return children[0]


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _parent_pid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone meanwhile
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces


def memory_bytes(pid: int, field: str) -> int:
    """A `/proc/<pid>/status` size (VmRSS, VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak(pid: int) -> None:
    # "5" resets VmHWM to the current RSS (Linux ≥ 4.0), so each download's peak is its own.
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def request(base: str, path: str, token: str | None = None, body: dict | None = None):
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    return urllib.request.urlopen(
        urllib.request.Request(base + path, data=data, headers=headers), timeout=CLIENT_TIMEOUT_SECONDS
    )


def log_in(base: str, username: str, password: str) -> str:
    try:
        with request(base, "/api/v1/auth/token/", body={"username": username, "password": password}) as response:
            return json.load(response)["token"]
    except urllib.error.HTTPError as error:
        raise SystemExit(f"login as {username} failed: {error.code} {error.read()[:200]!r}") from None


@dataclass
class Download:
    format: str
    rows: int
    size: int
    seconds: float
    rss_before: int
    peak: int

    @property
    def growth(self) -> int:
        return self.peak - self.rss_before

    def passes(self, expected_rows: int) -> bool:
        return self.growth < TARGET_MB * MB and self.rows == expected_rows

    def summary(self, expected_rows: int) -> str:
        notes = [f"{'under' if self.growth < TARGET_MB * MB else 'OVER'} the {TARGET_MB} MB target"]
        if self.rows != expected_rows:
            notes.append(f"{expected_rows - self.rows:,} rows missing")
        return (
            f"{self.format:<7}{self.rows:>9,}{self.size / MB:>9.1f} MB{self.seconds:>9.1f}"
            f"{self.rss_before / MB:>9.1f} MB{self.peak / MB:>7.1f} MB{self.growth / MB:>7.1f} MB  " + "; ".join(notes)
        )


def download(server: Server, token: str, fmt: str) -> Download:
    """Downloads the full export into a temporary file, noting the worker's memory around it; counts its rows."""
    worker = server.worker_pid()
    reset_peak(worker)
    rss_before = memory_bytes(worker, "VmRSS")
    started = time.monotonic()
    with tempfile.TemporaryFile() as file:
        with request(server.base, f"/api/v1/projects/?format={fmt}", token) as response:
            while chunk := response.read(MB):
                file.write(chunk)
        seconds = time.monotonic() - started
        peak = memory_bytes(worker, "VmHWM")
        size = file.tell()
        file.seek(0)
        rows = count_rows(file, fmt)
    return Download(fmt, rows, size, seconds, rss_before, peak)


def count_rows(file, fmt: str) -> int:
    """Data rows of an export file, its header left out."""
    if fmt == "csv":
        return sum(1 for _row in csv.reader(io.TextIOWrapper(file, encoding="utf-8-sig", newline=""))) - 1
    sheet = openpyxl.load_workbook(file, read_only=True).active
    return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1


def measure(database_url: str, username: str, password: str, fmt: str) -> tuple[Download, int]:
    """One format's download from a worker of its own (memory freed by an earlier download would hide growth),
    after the warm-up; with the number of rows the list counts."""
    with Server(database_url) as server:
        token = log_in(server.base, username, password)
        with request(server.base, "/api/v1/projects/?limit=50", token) as response:
            expected = json.load(response)["count"]  # the warm-up: a page of the same rows, through the same code
        return download(server, token, fmt), expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", BENCH_DATABASE_URL))
    parser.add_argument("--username", default="bench-office-001")
    parser.add_argument("--password", default="bench-pass")
    parser.add_argument("--formats", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])
    options = parser.parse_args()

    print(f"Every project of {options.database_url.rsplit('/', 1)[-1]}, each format from a fresh gunicorn worker")
    print(f"{'format':<7}{'rows':>9}{'received':>12}{'seconds':>9}{'RSS before':>12}{'peak':>10}{'growth':>10}")
    passed = True
    for fmt in options.formats:
        result, expected = measure(options.database_url, options.username, options.password, fmt)
        print(result.summary(expected), flush=True)
        passed = passed and result.passes(expected)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
