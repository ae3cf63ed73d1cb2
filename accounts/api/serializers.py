"""Shapes of the auth endpoints: a login, and the logged-in user as the API sees them (read-only)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import ChoiceLabelField

from ..models import User


class LoginSerializer(serializers.Serializer):
    """Username and password; valid when they authenticate (`validated_data["user"]`)."""

    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, write_only=True)

    def validate(self, attrs):
        # The Django request, not DRF's wrapper: django-axes marks a locked-out attempt on the request it is given,
        # and its middleware reads that mark on the Django request to answer 429.
        request = self.context["request"]._request
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with the given username and password."), code="authorization"
            )
        return {"user": user}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(serializers.ModelSerializer):
    """The logged-in user: who they are, their office and role. Read-only: roles change in the admin only."""

    role_label = ChoiceLabelField("role")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "office", "role", "role_label"]
        read_only_fields = fields
