"""Writes of the accounts app: users with an office and a role, and their API tokens."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from projects.models import Office

from .authentication import token_expired
from .choices import Role
from .models import User


@dataclass(frozen=True)
class UserWriteResult:
    user: User
    created: bool
    office_created: bool


def user_create_or_update(
    *,
    username: str,
    password: str,
    role: str,
    office_code: str | None = None,
    office_name: str | None = None,
) -> UserWriteResult:
    """Creates the user, or sets an existing user's password, role and office (no office when `office_code` is
    None), creating the office when its code is new (which then needs `office_name`).

    The role decides the Django flags: an administrator is staff and superuser, every other role neither.
    A changed password revokes the user's API token. Raises `ValidationError` and writes nothing on bad input.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}: choose one of {', '.join(Role.values)}."})
    if role == Role.EDITOR and not office_code:
        raise ValidationError({"office": "An editor writes an office's projects: give the office."})
    if office_name and not office_code:
        raise ValidationError({"office_name": "An office name needs an office code."})
    with transaction.atomic():
        office, office_created = _office(code=office_code, name=office_name) if office_code else (None, False)
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
    return UserWriteResult(user=user, created=created, office_created=office_created)


def _office(*, code: str, name: str | None) -> tuple[Office, bool]:
    office = Office.objects.filter(code=code).first()
    if office is not None:
        return office, False
    if not name:
        raise ValidationError({"office": f"There is no office {code!r}: give its name to create it."})
    office = Office(code=code, name=name)
    try:
        office.full_clean()
    except ValidationError as error:
        raise ValidationError(
            {f"office {field}": messages for field, messages in error.message_dict.items()}
        ) from error
    office.save()
    return office, True


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
