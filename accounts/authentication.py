"""Token authentication whose tokens expire `TOKEN_TTL_HOURS` after they were issued.

A token is a password that travels with every request; one that lives for ever outlives the phone
it was typed on. An expired token answers 401 and is deleted, so the next login issues a fresh one.
"""

import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(hours=settings.TOKEN_TTL_HOURS)


def token_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, refused (401, token deleted) once the token is older than its TTL."""

    def authenticate_credentials(self, key):
        # Read on the primary, not a replica (core.db_router): a revoked token stops working at once, not after lag.
        try:
            token = Token.objects.using(DEFAULT_DB_ALIAS).select_related("user").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The token has expired: log in again for a new one."))
        return token.user, token
