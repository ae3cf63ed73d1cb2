"""`manage.py create_office_user`: a user with a role and an office, made or updated in one go."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from projects.models import Office

from .factories import OfficeFactory, UserFactory
from .resources import domain_snapshot

pytestmark = pytest.mark.django_db

PASSWORD = "river-bank-2018"


def run(*args) -> str:
    out = StringIO()
    call_command("create_office_user", *args, stdout=out)
    return out.getvalue()


def logs_in(username: str, password: str) -> bool:
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}).status_code == 200


def test_a_new_editor_in_a_new_office(db):
    output = run("zhao", "--password", PASSWORD, "--role", "editor", "--office", "water", "--office-name", "水利指挥部")

    office = Office.objects.get(code="water")
    assert office.name == "水利指挥部"
    user = User.objects.get(username="zhao")
    assert (user.role, user.office, user.is_staff, user.is_superuser, user.is_active) == (
        "editor",
        office,
        False,
        False,
        True,
    )
    assert logs_in("zhao", PASSWORD)
    assert "Created office water" in output and "Created user zhao" in output


def test_an_editor_of_an_existing_office_needs_no_office_name(db):
    office = OfficeFactory(code="roads", name="交通指挥部")
    run("qian", "--password", PASSWORD, "--role", "editor", "--office", "roads")
    assert User.objects.get(username="qian").office == office
    assert Office.objects.get(code="roads").name == "交通指挥部"


def test_an_existing_user_gets_the_new_password_role_and_office(db):
    old_office, new_office = OfficeFactory(code="old"), OfficeFactory(code="new")
    user = UserFactory(username="sun", password="old-password-1", role="editor", office=old_office)
    token = Token.objects.create(user=user)

    output = run("sun", "--password", PASSWORD, "--role", "supervisor", "--office", "new")

    user.refresh_from_db()
    assert (user.role, user.office) == ("supervisor", new_office)
    assert logs_in("sun", PASSWORD) and not logs_in("sun", "old-password-1")
    assert not Token.objects.filter(key=token.key).exists()  # a new password ends the old sessions
    assert User.objects.filter(username="sun").count() == 1
    assert "Updated user sun" in output


def test_an_unchanged_password_keeps_the_token(db):
    user = UserFactory(username="zhou", password=PASSWORD, role="viewer")
    token = Token.objects.create(user=user)
    run("zhou", "--password", PASSWORD, "--role", "viewer")
    assert Token.objects.filter(key=token.key).exists()


def test_without_an_office_the_user_has_none(db):
    UserFactory(username="wu", office=OfficeFactory(), role="editor")
    run("wu", "--password", PASSWORD, "--role", "viewer")
    assert User.objects.get(username="wu").office is None


def test_admin_is_staff_and_superuser_and_other_roles_are_not(db):
    run("chen", "--password", PASSWORD, "--role", "admin")
    admin = User.objects.get(username="chen")
    assert (admin.role, admin.is_staff, admin.is_superuser, admin.office) == ("admin", True, True, None)

    run("chen", "--password", PASSWORD, "--role", "viewer")
    admin.refresh_from_db()
    assert (admin.role, admin.is_staff, admin.is_superuser) == ("viewer", False, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"], "invalid choice"),
        (["--role", "editor"], "editor"),
        (["--role", "editor", "--office", "nowhere"], "give its name"),
        (["--role", "viewer", "--office-name", "无代码指挥部"], "office code"),
        (["--role", "editor", "--office", "has space", "--office-name", "空格"], "office"),
        (["--role", "viewer", "--password", "123"], "password"),
    ],
    ids=["unknown-role", "editor-without-office", "new-office-without-name", "name-without-code", "bad-code", "weak"],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(db, args, message):
    before = (domain_snapshot(), list(User.objects.values()))
    if "--password" not in args:
        args = ["--password", PASSWORD, *args]

    with pytest.raises(CommandError, match=message):
        run("ghost", *args)

    assert (domain_snapshot(), list(User.objects.values())) == before


def test_a_failure_leaves_a_new_office_unmade(db):
    with pytest.raises(CommandError):
        run("ghost", "--password", "123", "--role", "editor", "--office", "fresh", "--office-name", "新指挥部")
    assert not Office.objects.filter(code="fresh").exists()
