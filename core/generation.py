"""The data generation: a number that every committed write raises, so that cached reports know they are stale.

Write services call `data_changed()`; `reporting.cache` keys its answers by `current_generation()`. The
counter lives in the shared cache (Redis), so a write handled by one worker reaches the readers of all.
"""

import random

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction

GENERATION_KEY = "reports:generation"


def data_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Raises the generation once the current transaction commits (at once outside one)."""
    # Not before the commit: a reader between the raise and the commit would cache the old rows under the new number.
    if settings.REPORT_CACHE_SECONDS:
        transaction.on_commit(_raise_generation, using=using)


def current_generation() -> int | None:
    """The generation now; None when the cache cannot be read (then nothing should be cached)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        _start_generation()
        generation = cache.get(GENERATION_KEY)
    return generation


def _raise_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        _start_generation()


def _start_generation() -> None:
    # At random, not 0: a generation lost from the cache (evicted, Redis restarted) must not restart at a
    # number whose entries may still be there.
    cache.add(GENERATION_KEY, random.getrandbits(62), timeout=None)
