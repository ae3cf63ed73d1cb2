"""Base viewset of every domain resource: the HTTP side of a write; the write itself is a service's."""

from django.db import transaction
from rest_framework import viewsets

from .audit import AuditActorMixin
from .concurrency import ConditionalWriteMixin
from .idempotency import IdempotentCreateMixin


class DomainViewSet(AuditActorMixin, IdempotentCreateMixin, ConditionalWriteMixin, viewsets.ModelViewSet):
    """A model viewset whose writes call the resource's write services (`writes`: create, update, delete, each
    with the acting user), and whose write responses are read back through `get_queryset`, so a POST, PUT or
    PATCH answers with the same computed figures as a GET.

    The services authorize, check the rules, save only the named columns and keep derived figures current, in one
    transaction. Around them, every request names its user as the actor of the audit entries it writes
    (`core.api.audit`); every POST honours `Idempotency-Key` (`core.api.idempotency`); every detail answer
    carries an `ETag`, and PUT, PATCH and DELETE pass the versions their `If-Match` names to the service, which
    checks them again under the row's lock (`core.api.concurrency`). The permission class refuses by role before a
    body is read and on the stored row once found (`accounts.permissions`)."""

    writes = None  # the resource's write services: a `projects.services.writes.Writes`

    # One transaction per write request, which the services join (a POST's is opened by `core.api.idempotency`).
    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        # Filters, search and ordering shape lists; a row fetched by id needs none of them, and building the
        # filterset's form on every read of one row costs a fifth of the request.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def perform_create(self, serializer):
        row = self.writes.create(user=self.request.user, values=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=row.pk)

    def perform_update(self, serializer):
        row = self.writes.update(
            user=self.request.user,
            row=serializer.instance,
            values=serializer.validated_data,
            expected_versions=self.if_match_versions(serializer.instance),
        )
        serializer.instance = self.get_queryset().get(pk=row.pk)

    def perform_destroy(self, instance):
        self.writes.delete(user=self.request.user, row=instance, expected_versions=self.if_match_versions(instance))

    def projects_of(self, row) -> list:
        """The project(s) `row` hangs under, which write permissions check on the stored row
        (`accounts.permissions`); None for a row under no project. Viewsets whose rows hang otherwise override it."""
        return [getattr(row, "project", None)]
