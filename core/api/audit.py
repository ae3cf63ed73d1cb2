"""The audit trail in the API: the actor of a request's changes, and `GET /api/v1/changes/`.

`changes/` lists the entries `core.audit` records (django-auditlog's `LogEntry`), newest first. It is
how sync clients learn about deletions: a deleted row leaves the resource lists, but its `delete`
entry stays here.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from core.api.filters import IdFilter, IsoDateTimeFilter
from core.audit import set_request_actor

ACTIONS = {LogEntry.Action.CREATE: "create", LogEntry.Action.UPDATE: "update", LogEntry.Action.DELETE: "delete"}
ACTION_CODES = {name: code for code, name in ACTIONS.items()}


class AuditActorMixin:
    """Names the authenticated user as the actor of the audit entries this request writes."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        set_request_actor(request.user)


def object_type_of(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def audited_types() -> dict[str, type]:
    """Every name `?object_type=` accepts (`projects.project` and `project`), with its model."""
    names = {}
    for model in auditlog.get_models():
        names[model._meta.model_name] = model
        names[model._meta.label_lower] = model
    return names


class ChangeSerializer(serializers.ModelSerializer):
    """One change of one row. A `delete` entry is how a sync client learns that a row is gone."""

    actor = serializers.IntegerField(
        source="actor_id",
        read_only=True,
        allow_null=True,
        help_text="Id of the user who made the change; null for commands.",
    )
    actor_username = serializers.CharField(source="actor.username", read_only=True, default=None, allow_null=True)
    action = serializers.SerializerMethodField(help_text="`create`, `update` or `delete`.")
    object_type = serializers.SerializerMethodField(
        help_text="`app_label.model` of the changed row, e.g. `projects.project`, `projects.workitem`."
    )
    object_id = serializers.IntegerField(
        read_only=True, help_text="Id of the changed row; after a `delete` it no longer exists."
    )
    object_repr = serializers.CharField(read_only=True, help_text="The row as text when it was changed.")
    changes = serializers.SerializerMethodField(
        help_text=(
            "`{field: [before, after]}`: a create has null befores, a delete null afters and the row's last "
            "values as befores. Decimals and dates are text."
        )
    )

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "actor_username",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]

    def get_action(self, entry: LogEntry) -> str:
        return ACTIONS[entry.action]

    def get_object_type(self, entry: LogEntry) -> str:
        return object_type_of(entry.content_type)

    def get_changes(self, entry: LogEntry) -> dict:
        return {name: list(values) for name, values in (entry.changes or {}).items()}


class ChangeFilterSet(filters.FilterSet):
    object_type = filters.ChoiceFilter(
        choices=lambda: [(name, name) for name in sorted(audited_types())],
        method="filter_object_type",
        label=_("Type of the changed row: `projects.project` or `project`"),
    )
    object_id = IdFilter(field_name="object_id", label=_("Id of the changed row"))
    user = IdFilter(field_name="actor_id", label=_("Id of the user who made the change"))
    action = filters.ChoiceFilter(
        choices=[(name, name) for name in ACTION_CODES], method="filter_action", label=_("create, update or delete")
    )
    since = IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Changes at or after this time (ISO 8601)")
    )
    updated_since = IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Same as `since`, the name every other list uses")
    )
    until = IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="lte", label=_("Changes at or before this time (ISO 8601)")
    )

    class Meta:
        model = LogEntry
        fields = []

    def filter_object_type(self, queryset, name, value: str):  # the hint types the parameter in the schema
        return queryset.filter(content_type=ContentType.objects.get_for_model(audited_types()[value]))

    def filter_action(self, queryset, name, value):
        return queryset.filter(action=ACTION_CODES[value])


class ChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: who created, changed or deleted which row, when, with its fields before and after.

    Newest first. Sync clients poll `?since=<last timestamp seen>` (or `updated_since`) and drop the rows
    whose `delete` entries they find, since deleted rows no longer appear in any `updated_since` list.
    """

    queryset = LogEntry.objects.filter(action__in=list(ACTIONS)).select_related("actor", "content_type")
    serializer_class = ChangeSerializer
    filterset_class = ChangeFilterSet
    ordering = ["-timestamp", "-id"]
    ordering_fields = ["timestamp", "id"]
