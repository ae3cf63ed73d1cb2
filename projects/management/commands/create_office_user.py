"""`manage.py create_office_user USERNAME --password P --role ROLE [--office CODE [--office-name NAME]]`.

In the project domain because it may create the office as well as its user (accounts knows no offices)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.choices import Role
from accounts.services import user_create_or_update
from projects.services.writes import office_ensure


class Command(BaseCommand):
    help = (
        "Creates a user with a role and an office, or sets an existing user's password, role and office "
        "(no --office: no office). A new office code needs --office-name. An editor needs an office; "
        "an admin is also staff and superuser."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--office", dest="office_code", metavar="CODE", help="The office's code.")
        parser.add_argument("--office-name", dest="office_name", metavar="NAME", help="The name of a new office.")

    def handle(self, *args, username, password, role, office_code=None, office_name=None, **options):
        if office_name and not office_code:
            raise CommandError("office_name: An office name needs an office code.")
        try:
            with transaction.atomic():
                office, office_created = (
                    office_ensure(code=office_code, name=office_name) if office_code else (None, False)
                )
                result = user_create_or_update(username=username, password=password, role=role, office=office)
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from error
        user = result.user
        if office_created:
            self.stdout.write(f"Created office {user.office.code} ({user.office.name}).")
        office = f"office {user.office.code}" if user.office else "no office"
        verb = "Created" if result.created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} user {user.username}: {user.role}, {office}."))


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
    return list(error.messages)
