"""Base viewset of every domain resource."""

from copy import copy

from django.db import transaction
from rest_framework import viewsets

from .audit import AuditActorMixin
from .concurrency import ConditionalWriteMixin
from .idempotency import IdempotentCreateMixin


class DomainViewSet(AuditActorMixin, IdempotentCreateMixin, ConditionalWriteMixin, viewsets.ModelViewSet):
    """A model viewset whose writes are atomic with everything they trigger (stored figures, tree
    links), and whose write responses are read back through `get_queryset`, so a POST, PUT or
    PATCH answers with the same computed figures as a GET.

    Every request names its user as the actor of the audit entries it writes (`core.api.audit`); every
    POST honours `Idempotency-Key` (`core.api.idempotency`); every detail answer carries an `ETag`, and
    PUT, PATCH and DELETE check `If-Match` again under a row lock inside the transaction opened here
    (`core.api.concurrency`). Write permissions (`accounts.permissions`, the default permission class) see the
    row as stored and again as the write would leave it (`row_as_written`, `projects_of`), before any save."""

    def filter_queryset(self, queryset):
        # Filters, search and ordering shape lists; a row fetched by id needs none of them, and building the
        # filterset's form on every read of one row costs a fifth of the request.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def perform_create(self, serializer):
        self.check_object_permissions(self.request, self.row_as_written(serializer))
        with transaction.atomic():
            super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        self.check_object_permissions(self.request, self.row_as_written(serializer))
        with transaction.atomic():
            super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        with transaction.atomic():
            super().perform_destroy(instance)

    def row_as_written(self, serializer):
        """The row as this create or update would leave it, unsaved.

        Object permissions see the stored row when `get_object` finds it, and this one before anything is saved:
        a write that would move a row where the user may not write (another office's project) is refused too.
        """
        row = copy(serializer.instance) if serializer.instance is not None else serializer.Meta.model()
        concrete = {field.name for field in row._meta.concrete_fields}
        for name, value in serializer.validated_data.items():
            if name in concrete:
                setattr(row, name, value)
        return row

    def projects_of(self, row) -> list:
        """The project(s) `row` hangs under, which write permissions check (`accounts.permissions`); None for a
        row under no project. Viewsets whose rows hang otherwise (projects themselves) override it."""
        return [getattr(row, "project", None)]
