"""Cached answers of the report endpoints, made stale by any write to the data they are made of.

An answer is keyed by its path, its sorted query parameters, the language, today's date and a data
generation: a counter in the same cache that every committed write to projects, milestones or
reports raises, so the next request misses and computes afresh. Nothing is deleted; old entries just
expire after `REPORT_CACHE_SECONDS`, which also bounds how stale an answer can be if a raise is lost.
The answer does not depend on the user, since everyone logged in reads everything.

Settings turn it on only when the cache is shared by every process (Redis): a per-process cache
would miss the raises of writes handled by the other workers (docs/DESIGN.md, "Report cache").
"""

import hashlib
import random
from collections.abc import Callable
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import translation

from core.clock import today
from core.db_router import pinned_to_primary
from projects.models import ProjectLink

GENERATION_KEY = "reports:generation"
INVALIDATING_APPS = ("projects", "milestones")


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


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        _start_generation()


def connect_invalidation() -> None:
    """Raises the generation after every commit that saved or deleted a row of the reports' apps."""
    for label in INVALIDATING_APPS:
        for model in apps.get_app_config(label).get_models():
            # The tree changes only inside Project.save, which signals; a receiver on ProjectLink would make
            # its bulk deletes (moves in the tree) fetch and signal row by row.
            if model is not ProjectLink:
                post_save.connect(_bump_after_commit, sender=model)
                post_delete.connect(_bump_after_commit, sender=model)


def _bump_after_commit(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # Not before: a reader between the raise and the commit would cache the old rows under the new generation.
    if settings.REPORT_CACHE_SECONDS:
        transaction.on_commit(bump_generation, using=using)


def _key(request: HttpRequest) -> str | None:
    """None when the generation cannot be read (the cache is down): then nothing is cached."""
    # Read before the report's queries: a write committed meanwhile raises it and orphans this entry.
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        _start_generation()
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        return None
    parameters = sorted((name, value) for name, values in request.GET.lists() for value in values)
    digest = hashlib.sha256(f"{request.path}?{urlencode(parameters)}".encode()).hexdigest()
    return f"reports:{generation}:{today().isoformat()}:{translation.get_language()}:{digest}"


def _start_generation() -> None:
    # At random, not 0: a generation lost from the cache (evicted, Redis restarted) must not restart at a
    # number whose entries may still be there.
    cache.add(GENERATION_KEY, random.getrandbits(62), timeout=None)
