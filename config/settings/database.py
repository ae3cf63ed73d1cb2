"""The `DATABASES` setting built from the environment: the primary, its read replicas, and on
PostgreSQL the connection options production needs (a pool or persistent connections, timeouts).

Not a settings module of its own: `base` calls `databases()`. SQLite URLs pass through untouched.
Options given in a URL's query string (`?connect_timeout=3`) win over the defaults below.
"""

import environ

POSTGRES_ENGINES = {"django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"}

# Fixed libpq socket options: a peer that vanishes without closing the socket (a cut cable, a failed-over
# host) is given up after ~10 s of unacknowledged data or ~25 s of silence instead of the kernel's minutes.
TCP_OPTIONS = {
    "tcp_user_timeout": 10_000,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
}


def databases(env: environ.Env, default_url: str) -> dict[str, dict]:
    """`default` from DATABASE_URL, plus `replica_1`, `replica_2`, … from DATABASE_REPLICA_URLS (comma-separated).

    Replicas mirror `default` under test, so a test run never creates a database per replica.
    """
    result = {"default": _tuned(env, env.db("DATABASE_URL", default=default_url))}
    for index, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
        replica = _tuned(env, environ.Env.db_url_config(url))
        replica["TEST"] = {"MIRROR": "default"}
        result[f"replica_{index}"] = replica
    return result


def _tuned(env: environ.Env, config: dict) -> dict:
    if config["ENGINE"] not in POSTGRES_ENGINES:
        return config
    options = config.setdefault("OPTIONS", {})
    connect_timeout = env.int("DB_CONNECT_TIMEOUT", default=5)
    options.setdefault("connect_timeout", connect_timeout)
    for name, value in TCP_OPTIONS.items():
        options.setdefault(name, value)
    # Server-side: a runaway query is cancelled (and answers 503) instead of holding a worker and its locks.
    statement_timeout_ms = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
    if statement_timeout_ms:
        options["options"] = f"{options.get('options', '')} -c statement_timeout={statement_timeout_ms}".strip()
    # PostgreSQL's JIT compiles every costly query anew; at our query sizes (tens of milliseconds) compiling
    # costs more than it saves: 150 ms more on the province-wide overdue report. DB_JIT=true keeps it on.
    if not env.bool("DB_JIT", default=False):
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()

    pool_max = env.int("DB_POOL_MAX", default=0)
    if pool_max:
        # A pool per worker process; a request waits at most `timeout` seconds for a connection.
        options["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN", default=1), pool_max),
            "max_size": pool_max,
            "timeout": env.float("DB_POOL_TIMEOUT", default=float(connect_timeout)),
        }
        config["CONN_MAX_AGE"] = 0  # Django refuses persistent connections together with a pool
    else:
        config["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    # A connection that died while idle (database restarted, failover) is replaced before it is used;
    # with a pool, the pool checks each connection it hands out.
    config["CONN_HEALTH_CHECKS"] = True
    return config
