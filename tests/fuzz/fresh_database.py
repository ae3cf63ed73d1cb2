"""Drops and re-creates the PostgreSQL database of DATABASE_URL, so that a fuzz run starts from nothing.

Connects to the server's `postgres` database to do it. Refuses names that do not say they are for fuzzing,
so that a mistyped URL cannot drop a real database.
"""

import os
import sys

import environ
import psycopg
from psycopg import sql

config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
name = config["NAME"]
if "fuzz" not in name:
    sys.exit(f"refusing to drop {name!r}: a fuzz database's name contains 'fuzz'")
params = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"], "password": config["PASSWORD"]}
with psycopg.connect(
    dbname="postgres", autocommit=True, **{key: value for key, value in params.items() if value}
) as db:
    db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
