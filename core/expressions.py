"""Database expressions that SQLite and PostgreSQL spell differently."""

from django.db.models import FloatField, Func


class DaysBetween(Func):
    """Days from `start` to `end` (two dates) as a number: `end - start`."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")
