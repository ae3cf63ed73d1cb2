"""Base viewset of every domain resource."""

from django.db import transaction
from rest_framework import viewsets


class DomainViewSet(viewsets.ModelViewSet):
    """A model viewset whose writes are atomic with everything they trigger (stored figures, tree
    links), and whose write responses are read back through `get_queryset`, so a POST, PUT or
    PATCH answers with the same computed figures as a GET."""

    def perform_create(self, serializer):
        with transaction.atomic():
            super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        with transaction.atomic():
            super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        with transaction.atomic():
            super().perform_destroy(instance)
