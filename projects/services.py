"""Writes of the projects app that carry a rule beyond one row: the project tree."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from .models import Project
from .selectors import project_ancestor_ids

# Any fixed number: the advisory lock that serialises moves in the project tree on PostgreSQL.
TREE_LOCK_KEY = 7_401_001


@transaction.atomic
def project_create(**fields) -> Project:
    project = Project(**fields)
    project.save()
    return project


@transaction.atomic
def project_update(project: Project, **fields) -> Project:
    """Updates `project`; a move in the tree is checked for cycles while moves are serialised."""
    new_parent = fields.get("parent", project.parent)
    if "parent" in fields and new_parent is not None and new_parent.pk != project.parent_id:
        _lock_tree()
        if project.pk in project_ancestor_ids(new_parent):
            raise ValidationError(
                {"parent": ValidationError(_("A project cannot be moved under itself or its descendants."), "cycle")}
            )
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    return project


def _lock_tree() -> None:
    # Two concurrent moves (A under B, B under A) could each pass the check alone; on PostgreSQL the
    # lock makes them take turns. SQLite already runs one write transaction at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_KEY])
