"""`manage.py send_reminders [--days N] [--dry-run]`: each office's overdue and due-soon milestones, by
e-mail and signed webhook.

Exit status: 0 when every office was served or at least one delivery got through (the failures are
listed); 1 when there was something to deliver and every delivery failed, so that cron or a monitor
notices that nothing reaches anyone (a wrong mail server, no network) without paging for one office's
broken webhook.
"""

from django.core.management.base import BaseCommand, CommandError

from core.clock import today
from notifications.services import reminder_messages, reminders_send


class Command(BaseCommand):
    help = "Sends each office its milestones overdue or due within --days days (e-mail and webhook)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Remind of milestones due within N days (default 7).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; send nothing.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        as_of = today()
        run = reminders_send(as_of=as_of, days=days, dry_run=dry_run)
        self.stdout.write(
            f"Reminders as of {as_of}, due within {days} days: {len(run.outcomes)} office(s) with something due"
            + (" (dry run: nothing sent)." if dry_run else ".")
        )
        for outcome in run.outcomes:
            reminder = outcome.reminder
            office = reminder.office
            self.stdout.write(
                f"{office.code} ({office.name}): {len(reminder.overdue)} overdue, {len(reminder.due_soon)} due soon"
            )
            if dry_run:
                self._show(reminder, as_of=as_of, days=days)
                continue
            if not outcome.deliveries:
                self.stdout.write(self.style.WARNING("  no reminder channel set for this office; nothing sent"))
            for delivery in outcome.deliveries:
                where, tries = f"  {delivery.channel} {delivery.target}", len(delivery.attempts)
                if delivery.succeeded:
                    self.stdout.write(self.style.SUCCESS(f"{where}: sent ({tries} attempt(s))"))
                else:
                    error = delivery.last_error
                    self.stdout.write(self.style.ERROR(f"{where}: FAILED after {tries} attempt(s): {error}"))
        failed = [delivery for delivery in run.deliveries if not delivery.succeeded]
        if not dry_run:
            self.stdout.write(f"{len(run.deliveries) - len(failed)} delivered, {len(failed)} failed (run {run.run}).")
        if run.all_failed:
            raise CommandError("Every reminder delivery failed.")

    def _show(self, reminder, *, as_of, days) -> None:
        messages = reminder_messages(reminder, as_of=as_of, days=days)
        if not messages:
            self.stdout.write("  would send nothing: no reminder channel set for this office")
        for message in messages:
            if message.channel == "email":
                self.stdout.write(f"  would e-mail {message.target}: {message.subject}")
                self.stdout.write("    " + message.body.strip().replace("\n", "\n    "))
            else:
                self.stdout.write(f"  would POST to {message.target}: {message.body.decode()}")
