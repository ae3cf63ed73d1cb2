"""Milestone serializer: shape only."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api.serializers import DomainModelSerializer
from milestones.choices import MilestoneState
from milestones.models import Milestone

from . import examples


@extend_schema_serializer(examples=examples.MILESTONE)
class MilestoneSerializer(DomainModelSerializer):
    state = serializers.ChoiceField(
        choices=MilestoneState.choices,
        read_only=True,
        label=_("state"),
        help_text="done, overdue, due_soon (within 14 days), upcoming.",
    )
    state_label = serializers.SerializerMethodField(label=_("state name"))
    days_overdue = serializers.IntegerField(
        read_only=True, label=_("days overdue"), help_text="Days past the planned date; 0 unless overdue."
    )

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
            "state",
            "state_label",
            "days_overdue",
            "created_at",
            "updated_at",
        ]

    def get_state_label(self, milestone) -> str:
        return str(MilestoneState(milestone.state).label)
