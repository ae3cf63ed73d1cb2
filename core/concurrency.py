"""No lost updates: a write reads its row again under a lock, and checks the version its client last saw.

The API turns `If-Match` into the versions it accepts (`core.api.concurrency`) and answers `StaleVersion`
with 412 and the current ETag; services call `lock_row` inside their transaction.
"""

from typing import TypeVar

from .models import VersionedModel

Row = TypeVar("Row", bound=VersionedModel)


class StaleVersion(Exception):
    """The row's stored version is not one the client said it had seen."""

    def __init__(self, row: VersionedModel):
        super().__init__(f"{row._meta.label} {row.pk} is at version {row.version}")
        self.row = row


def lock_row(row: Row, *, expected_versions: set[int] | None = None) -> Row:
    """The row as stored now, locked until the transaction ends (`SELECT … FOR UPDATE`; SQLite runs one writer at
    a time already). Raises StaleVersion unless `expected_versions` is None or holds the stored version, and
    `DoesNotExist` if the row is gone."""
    current = type(row)._base_manager.select_for_update().get(pk=row.pk)
    if expected_versions is not None and current.version not in expected_versions:
        raise StaleVersion(current)
    return current
