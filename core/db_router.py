"""Read scaling: reads go to a streaming replica, writes to the primary, and a client reads its own writes.

Installed only when `DATABASE_REPLICA_URLS` names replicas (settings `DATABASE_REPLICAS`); without
them every query runs on `default` as before. The rules, in order:

- writes, and migrations, only on `default` (the primary);
- a read inside a transaction on the primary stays on the primary (it must see the transaction's own
  rows and locks);
- once a request has written, or sends an unsafe method (POST, PUT, PATCH, DELETE), the rest of it
  reads from the primary; so does the same client for `DATABASE_REPLICA_PIN_SECONDS` afterwards
  (a cookie), so that the page it loads after a save shows the save despite replication lag;
- any other read goes to one replica, the same one for the whole request.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "shuitou_primary"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Per request (middleware), or per thread outside requests: whether reads are pinned to the primary
# (by method or cookie), whether something was written, and the replica this context reads from.
_pinned: ContextVar[bool] = ContextVar("db_pinned_to_primary", default=False)
_wrote: ContextVar[bool] = ContextVar("db_wrote", default=False)
_replica: ContextVar[str | None] = ContextVar("db_replica", default=None)


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def pinned_to_primary() -> bool:
    return _pinned.get() or _wrote.get()


@contextmanager
def routing_scope(*, pinned: bool = False):
    """A fresh routing state (nothing written, no replica chosen yet) for the block: one request, or a test.
    Yields a callable that tells whether the block wrote."""
    tokens = _pinned.set(pinned), _wrote.set(False), _replica.set(None)
    try:
        yield _wrote.get
    finally:
        for var, token in zip((_pinned, _wrote, _replica), tokens, strict=True):
            var.reset(token)


class PrimaryReplicaRouter:
    """Database router for one primary (`default`) and the replica aliases in `settings.DATABASE_REPLICAS`."""

    def db_for_read(self, model, **hints):
        aliases = replicas()
        if not aliases or pinned_to_primary() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        chosen = _replica.get()
        if chosen not in aliases:
            chosen = random.choice(aliases)
            _replica.set(chosen)
        return chosen

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows, so objects read from any of them may be related.
        same_data = {DEFAULT_DB_ALIAS, *replicas()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class PrimaryPinMiddleware:
    """Scopes the router's state to one request: it starts pinned to the primary if its method is unsafe or
    it carries the cookie; a request that wrote sets the cookie, which keeps its client on the primary for
    a few seconds (only a write renews it, so a client that keeps reading returns to the replicas)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas():
            return self.get_response(request)
        pinned = request.method in UNSAFE_METHODS or PIN_COOKIE in request.COOKIES
        with routing_scope(pinned=pinned) as wrote:
            response = self.get_response(request)
            if wrote():
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
