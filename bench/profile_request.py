"""Where one request of ours spends its time: cProfile over repeated requests, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shuitou_bench \\
        .venv/bin/python bench/profile_request.py "/api/v1/projects/?limit=50&office=1" [--repeat 20] [--top 25]

Runs the request once to warm up, then `--repeat` times under the profiler, as the bench user
(bench/generate.py), through the whole middleware stack. Prints the SQL time beside the total, then
the functions with the most time of their own.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--username", default="bench-office-001")
    args = parser.parse_args()

    client = APIClient(HTTP_HOST="127.0.0.1")
    client.force_authenticate(User.objects.get(username=args.username))
    client.get(args.path)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(args.path)
        elapsed = time.perf_counter() - started
    sql_seconds = sum(float(query["time"]) for query in queries)
    sql_part = f"of which SQL {sql_seconds * 1000:.1f} ms in {len(queries)} queries"
    print(f"{response.status_code}: {elapsed * 1000:.1f} ms, {sql_part}")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.disable()
    report = io.StringIO()
    pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(args.top)
    print(report.getvalue())


if __name__ == "__main__":
    main()
