"""Base serializer for domain models: database rules answer 400 before they can answer 500."""

from copy import copy

from rest_framework import serializers


class DomainModelSerializer(serializers.ModelSerializer):
    """Runs the model's constraints on the would-be row while validating.

    The database refuses impossible rows; checking the same constraints here turns what would
    be an IntegrityError into a 400 that names the field (see `core.constraints`).
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = copy(self.instance) if self.instance is not None else self.Meta.model()
        concrete = {field.name for field in candidate._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        candidate.validate_constraints()
        return attrs


class ChoiceLabelField(serializers.CharField):
    """Read-only label of a choice field, in the request's language (`category_label`)."""

    def __init__(self, choice_field: str, **kwargs):
        super().__init__(source=f"get_{choice_field}_display", read_only=True, **kwargs)
