"""Creates the PostgreSQL database that DATABASE_URL names, if it is missing (for `make bench-data`)."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def main() -> None:
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not url.scheme.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgres://…/shuitou_bench).")
    name = url.path.lstrip("/")
    server = urlunsplit(url._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


if __name__ == "__main__":
    main()
