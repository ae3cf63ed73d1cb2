"""`manage.py purge_idempotency_keys`: deletes the Idempotency-Key records older than `IDEMPOTENCY_KEY_TTL`.

Keyed POSTs purge expired keys as they go; run this from cron where POSTs are rare, to keep the table small.
"""

from django.core.management.base import BaseCommand

from core.idempotency import idempotency_keys_purge, key_ttl


class Command(BaseCommand):
    help = "Deletes the Idempotency-Key records older than IDEMPOTENCY_KEY_TTL (24 hours by default)."

    def handle(self, *args, **options):
        deleted = idempotency_keys_purge()
        self.stdout.write(f"Deleted {deleted} idempotency key(s) older than {key_ttl()}.")
