"""SQL statements one request of ours runs, for the table of bench/run.py (which calls this).

    python bench/query_counts.py '{"username": …, "password": …, "get": {name: path}, "post": {name: [path, body]}}'

Prints `{name: count}` as JSON. Requests go through Django's test client with a real token, so
authentication counts too; the report cache is off (no REDIS_URL), so the reports count their queries.
Each POST carries a fresh Idempotency-Key, as the load of run.py does, so its queries count too.
"""

import json
import os
import sys
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def main() -> None:
    spec = json.loads(sys.argv[1])
    client = APIClient(HTTP_HOST="127.0.0.1")
    login = client.post("/api/v1/auth/token/", {"username": spec["username"], "password": spec["password"]})
    client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")
    counts = {}
    requests = [(name, "get", path, None) for name, path in spec["get"].items()]
    requests += [(name, "post", path, body) for name, (path, body) in spec["post"].items()]
    for name, method, path, body in requests:
        # warm-up: first-use queries (content types, …)
        getattr(client, method)(path, body, format="json", **fresh_key(method))
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, changed(body), format="json", **fresh_key(method))
        if response.status_code >= 400:
            sys.exit(f"{name}: {response.status_code} {response.content[:300]!r}")
        counts[name] = len(queries)
    print(json.dumps(counts))


def fresh_key(method: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": f"bench-count-{uuid.uuid4()}"} if method == "post" else {}


def changed(body: dict | None) -> dict | None:
    """A report body whose work items move on from the warm-up's values: a report that changes nothing is cheap."""
    if body is None:
        return None
    items = [
        {**item, "completed_quantity": str(Decimal(item["completed_quantity"]) + 1)} for item in body["work_items"]
    ]
    return {**body, "work_items": items}


if __name__ == "__main__":
    main()
