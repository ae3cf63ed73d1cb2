"""Milestone serializer: shape only."""

from core.api.serializers import DomainModelSerializer

from ..models import Milestone


class MilestoneSerializer(DomainModelSerializer):
    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "name",
            "planned_date",
            "actual_date",
            "weight",
            "delay_reason",
            "created_at",
            "updated_at",
        ]
