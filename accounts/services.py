"""Writes of the accounts app: users with an office and a role, and their API tokens."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from .authentication import token_expired
from .choices import Role
from .models import User


@dataclass(frozen=True)
class UserWriteResult:
    user: User
    created: bool


def user_create_or_update(*, username: str, password: str, role: str, office=None) -> UserWriteResult:
    """Creates the user, or sets an existing user's password, role and office (none when `office` is None).

    The role decides the Django flags: an administrator is staff and superuser, every other role neither.
    A changed password revokes the user's API token. Raises `ValidationError` and writes nothing on bad input.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}: choose one of {', '.join(Role.values)}."})
    if role == Role.EDITOR and office is None:
        raise ValidationError({"office": "An editor writes an office's projects: give the office."})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username)
        password_changed = created or not user.check_password(password)
        user.role = role
        user.office = office
        user.is_active = True
        user.is_staff = user.is_superuser = role == Role.ADMIN
        validate_password(password, user)
        user.full_clean(exclude=["password"])
        if password_changed:
            user.set_password(password)
        user.save()
        if password_changed and not created:
            Token.objects.filter(user=user).delete()
    return UserWriteResult(user=user, created=created)


def token_issue(*, user: User) -> Token:
    """The user's API token: the current one while it lasts, a fresh one once it has expired or been revoked."""
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):
            # Filtered delete and get_or_create: two logins racing on one expired token both end with the new one.
            Token.objects.filter(pk=token.pk).delete()
            token, _created = Token.objects.get_or_create(user=user)
        return token


def token_revoke(*, user: User) -> None:
    """Ends the user's API token: every client that holds it must log in again."""
    Token.objects.filter(user=user).delete()
