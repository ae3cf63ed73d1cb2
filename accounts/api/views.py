"""Auth endpoints: a token for a username and password, its revocation, and who the token belongs to."""

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services import token_issue, token_revoke
from .serializers import LoginSerializer, MeSerializer, TokenSerializer

LOGIN_EXAMPLE = OpenApiExample(
    "An office editor", value={"username": "demo-flood-control", "password": "shuitou-editor"}, request_only=True
)


@extend_schema_view(
    post=extend_schema(request=LoginSerializer, responses=TokenSerializer, examples=[LOGIN_EXAMPLE], auth=[]),
    delete=extend_schema(request=None, responses={204: None}),
)
class TokenView(APIView):
    """`POST {"username", "password"}` → `{"token"}`; `DELETE` with the token revokes it (204).

    A token lasts `TOKEN_TTL_HOURS`; a login returns the user's current token while it lasts, a new one after it
    expired or was revoked. Failed logins count towards the lock-out (django-axes) and anonymous calls towards the
    anonymous throttle.
    """

    serializer_class = LoginSerializer

    def get_authenticators(self):
        # A login carries its credentials in the body: a stale `Authorization` header must not stop it.
        if self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = token_issue(user=user)
        # What a session login sends: sets `last_login` and clears the user's failed attempts in django-axes.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenSerializer({"token": token.key}).data)

    def delete(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(RetrieveAPIView):
    """The logged-in user's username, office and role, so a client knows what it may change."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user
