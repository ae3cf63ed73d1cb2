"""How the OpenAPI schema (drf-spectacular) describes what every view has in common.

- Errors: every operation lists the problem-details answers it can give (`Problem`, served as
  `application/problem+json`): 400 where it takes input, 401 and 403 where it needs credentials, 404
  where it names an object or takes `?format=`, 409 on delete, and `default` for the rest (405, 406,
  412, 415, 422, 429, 5xx). The body is what `core.api.problems` writes.
- Exports: the CSV and XLSX answers of a list are files, not the JSON page.
- Report views, which run a filterset by hand, document its filters like a list does.
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import label_for_filter
from drf_spectacular import openapi, plumbing
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.test import APIRequestFactory

from .exports import ExportMixin, ExportRenderer
from .problems import PROBLEM_CONTENT_TYPE, TYPE_PREFIX


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="The field, nested ones by path (`work_items[2].completed_quantity`); null for the whole object.",
    )
    code = serializers.CharField(help_text="Machine-readable: `required`, `invalid`, `max_value`, `date_order`, …")
    message = serializers.CharField(help_text="For people, in the request's language (Accept-Language).")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the body of every 4xx and 5xx answer."""

    type = serializers.CharField(help_text=f"`{TYPE_PREFIX}<code>`, e.g. `{TYPE_PREFIX}validation-error`.")
    title = serializers.CharField(help_text="The HTTP status in words, in the request's language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")
    errors = ProblemFieldErrorSerializer(many=True, required=False, help_text="Validation errors (400 only).")

    class Meta:
        ref_name = "Problem"


PROBLEM_RESPONSES = {
    "400": _("Invalid input: a parameter or field is wrong; `errors` names each one."),
    "401": _("No valid credentials: send `Authorization: Token <token>`."),
    "403": _("The credentials do not allow this."),
    "404": _("No such object, or an unknown `format`."),
    "409": _("The object is still referenced by others and cannot be deleted."),
    "default": _("Any other error (405, 406, 412, 415, 422, 429, 5xx), in the same shape."),
}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            self._add_problem_responses(operation)
        return operation

    def _add_problem_responses(self, operation: dict) -> None:
        parameters = operation.get("parameters", [])
        security = operation.get("security", [])
        codes = ["default"]
        if "requestBody" in operation or any(parameter["in"] == "query" for parameter in parameters):
            codes.append("400")
        if security and {} not in security:
            codes += ["401", "403"]
        if any(parameter["in"] == "path" or parameter["name"] == "format" for parameter in parameters):
            codes.append("404")
        if self.method == "DELETE" and isinstance(self.view, GenericAPIView):
            codes.append("409")
        problem = self.resolve_serializer(ProblemSerializer, "response").ref
        responses = operation["responses"]
        for code in sorted(codes):
            responses.setdefault(
                code,
                {"content": {PROBLEM_CONTENT_TYPE: {"schema": problem}}, "description": PROBLEM_RESPONSES[code]},
            )

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = str(
                _("`json` (the default): a page of rows. `csv`, `xlsx`: every row matching the filters, as a file.")
            )
        return parameters

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        exports = {
            renderer.media_type for renderer in self.view.get_renderers() if isinstance(renderer, ExportRenderer)
        }
        for media_type in exports & set(response.get("content", {})):
            # Every matching row (not a page) as a file; the columns are the JSON fields.
            response["content"][media_type] = {"schema": {"type": "string", "format": "binary"}}
        return response

    def _get_filter_parameters(self):
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None or self.method != "GET":
            return super()._get_filter_parameters()
        model = filterset_class._meta.model
        if isinstance(self.view, GenericAPIView):
            parameters = super()._get_filter_parameters()
        else:
            # A report view: no queryset to introspect, so the filterset's own model stands in for it.
            extension = DjangoFilterExtension(DjangoFilterBackend())
            parameters = [
                parameter
                for name, field in filterset_class.base_filters.items()
                for parameter in extension.resolve_filter_field(self, model, filterset_class, name, field)
            ]
        ordering_fields = getattr(self.view, "ordering_fields", None)
        for parameter in parameters:
            if parameter["name"] == "ordering" and ordering_fields:
                parameter["description"] = str(
                    _("Sort by one or more of these, comma-separated, `-` for descending: %(fields)s.")
                ) % {"fields": ", ".join(f"`{name}`" for name in ordering_fields)}
            field = filterset_class.base_filters.get(parameter["name"])
            if field is not None and not parameter.get("description"):
                # django-filter's own wording: "Office", "Planned finish is less than or equal to".
                parameter["description"] = str(
                    label_for_filter(model, field.field_name, field.lookup_expr, field.exclude)
                )
        return parameters


def build_mock_request(method, path, view, original_request, **kwargs):
    """drf-spectacular's mock request, with `view.request` set first, as Django's `View.setup` does for a
    real request: views that read `self.request` in `get_authenticators` (auth/token/) describe themselves."""
    view.request = getattr(APIRequestFactory(), method.lower())(path=path)
    return plumbing.build_mock_request(method, path, view, original_request, **kwargs)


def lib_doc_excludes() -> list[type]:
    """Classes whose docstrings describe our plumbing, not a resource: a serializer or view without its own
    docstring gets no description rather than the base class's (drf-spectacular's GET_LIB_DOC_EXCLUDES)."""
    from core.api.serializers import DomainModelSerializer
    from core.api.views import DomainViewSet

    ours = [cls for cls in DomainViewSet.__mro__ if cls.__module__.startswith("core.")]
    return [*plumbing.get_lib_doc_excludes(), DomainModelSerializer, ExportMixin, *ours]
