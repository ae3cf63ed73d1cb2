"""Cached answers of the report endpoints, made stale by any write to the data they are made of.

An answer is keyed by its path, its sorted query parameters, the language, today's date and the data
generation (`core.generation`), which every committed write raises, so the next request misses and
computes afresh. Nothing is deleted; old entries just
expire after `REPORT_CACHE_SECONDS`, which also bounds how stale an answer can be if a raise is lost.
The answer does not depend on the user, since everyone logged in reads everything.

Settings turn it on only when the cache is shared by every process (Redis): a per-process cache
would miss the raises of writes handled by the other workers (docs/DESIGN.md, "Report cache").
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

from core.clock import today
from core.db_router import pinned_to_primary
from core.generation import current_generation


def cached_report(request: HttpRequest, build: Callable[[], dict]) -> tuple[dict, str | None]:
    """The report `build()` makes for `request`, from the cache if made since the last write; with "hit",
    "miss", or None when the cache is off."""
    seconds = settings.REPORT_CACHE_SECONDS
    key = _key(request) if seconds else None
    if key is None:
        return build(), None
    # A client that just wrote reads the primary (core.db_router); its fresh answer replaces one a lagging
    # replica may have given another client since the write.
    data = None if pinned_to_primary() else cache.get(key)
    if data is not None:
        return data, "hit"
    data = build()
    cache.set(key, data, seconds)
    return data, "miss"


def _key(request: HttpRequest) -> str | None:
    """None when the generation cannot be read (the cache is down): then nothing is cached."""
    # Read before the report's queries: a write committed meanwhile raises it and orphans this entry.
    generation = current_generation()
    if generation is None:
        return None
    parameters = sorted((name, value) for name, values in request.GET.lists() for value in values)
    digest = hashlib.sha256(f"{request.path}?{urlencode(parameters)}".encode()).hexdigest()
    return f"reports:{generation}:{today().isoformat()}:{translation.get_language()}:{digest}"
