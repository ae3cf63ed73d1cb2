"""`manage.py load_demo [--as-of YYYY-MM-DD]`: the demo data set, shifted to the as-of date; idempotent."""

import datetime
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.demo.data import OFFICES, REPORT_DATE
from projects.demo.loader import DemoLoadResult, demo_load

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Command(BaseCommand):
    help = (
        f"Loads the demo data set (Shuitou township's report of {REPORT_DATE}) with every date shifted so that "
        "the report date falls on the as-of date. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            dest="as_of",
            metavar="YYYY-MM-DD",
            help=f"The day the demo's report ({REPORT_DATE}) moves to; default: today in the project's time zone.",
        )

    def handle(self, *args, as_of=None, **options):
        day = parse_as_of(as_of) if as_of is not None else timezone.localdate()
        try:
            result = demo_load(as_of=day)
        except OverflowError as error:
            raise CommandError(
                f"--as-of {day} is too far from {REPORT_DATE}: shifted dates leave the calendar."
            ) from error
        self.report(result)

    def report(self, result: DemoLoadResult) -> None:
        days = result.shift.days
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded as of {result.as_of} (seed dates shifted by {days:+d} days).")
        )
        for name in result.model_names():
            figures = ", ".join(
                f"{getattr(result, outcome)[name]} {outcome}"
                for outcome in ("created", "updated", "unchanged", "deleted")
                if getattr(result, outcome)[name]
            )
            self.stdout.write(f"  {name}: {figures}")
        if not result.changed:
            self.stdout.write("  Nothing changed: the database already held the demo data set.")
        office_names = {office.code: office.name for office in OFFICES}
        self.stdout.write("")
        self.stdout.write("Demo logins (demo passwords; do not use them outside a demo database):")
        self.stdout.write(f"  {'username':<24}{'password':<22}{'role':<12}office")
        for login in result.logins:
            office = f"{login.office} ({office_names[login.office]})" if login.office else "-"
            self.stdout.write(f"  {login.username:<24}{login.password:<22}{login.role:<12}{office}")


def parse_as_of(value: str | datetime.date) -> datetime.date:
    """A `datetime.date` as is, or a `YYYY-MM-DD` string; anything else is a CommandError."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    text = str(value).strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of must be a calendar date written YYYY-MM-DD, e.g. {REPORT_DATE}; got {value!r}."
        ) from None
