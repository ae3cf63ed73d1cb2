"""gunicorn settings for `make serve` (`gunicorn -c config/gunicorn.py config.wsgi`), from the environment.

WEB_CONCURRENCY worker processes (default 2 × cores + 1, at most 12: each holds its own database
connection, or its own pool, and PostgreSQL's `max_connections` is shared by every node), each with
GUNICORN_THREADS threads (default 1; more threads want DB_POOL_MAX ≥ threads). Workers are gthread even
with one thread: their main loop reports to the master while a request runs, so a long download (the
XLSX export of a province takes about a minute) is not killed as a hung worker; a runaway query is still
cancelled by the database's statement timeout.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 12))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread"
# A worker whose main loop stops answering (a crash in C code, a deadlock) is replaced after this long.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so they do not all restart at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 1000)
max_requests_jitter = max_requests // 10
# Workers import the app themselves: nothing (no database connection) is shared across the fork.
preload_app = False
# The app writes its own access log (one JSON line per request, core.middleware); gunicorn's errors to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# No control socket in the home folder: several servers on one host would fight over it.
control_socket_disable = True
