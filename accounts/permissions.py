"""Who may write what: the one rule every write path of the API applies.

Everyone logged in reads everything. Writes depend on the role and, for an office's editor, on the
office of every project a row hangs under, before and after the write:

- an administrator (role `admin`, or a Django superuser) writes everything;
- a supervisor writes problems (of any project, and town-wide ones) and nothing else;
- an office's editor writes its own office's projects and every row under them (work items, land,
  demolitions, clearance items, investments, milestones, progress reports, problems), but neither
  offices nor town-wide problems;
- a viewer writes nothing.

Write services call `require_write` for every project a write touches, as stored and as written, so
moving a row to another office's project, or a project to another office or under another office's
parent, is refused like any other write. `OfficeWritePermission` applies the same rule early in the
API: by role before a body is read, and on the stored row once it is found, so a refusal comes before
any validation message.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .choices import Role

# Roles that may write a resource at all; which rows they may touch is then decided per project.
PROJECT_WRITERS = frozenset({Role.ADMIN, Role.EDITOR})
PROBLEM_WRITERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EDITOR})
OFFICE_WRITERS = frozenset({Role.ADMIN})

ROLE_REFUSALS = {
    Role.VIEWER: _("A viewer may read but not change anything."),
    Role.SUPERVISOR: _("A supervisor may change problems only."),
    Role.EDITOR: _("Only administrators may change this."),
}
NOT_LOGGED_IN = _("Log in to change anything.")
NO_OFFICE = _("An editor who belongs to no office may not change anything.")
TOWN_WIDE = _("Only administrators and supervisors may change what belongs to no project (town-wide problems).")
OTHER_OFFICE = _(
    "This project belongs to another office: you may change only your own office's projects and their rows."
)


def role_of(user) -> str | None:
    """The role the rules apply to: `admin` for a superuser whatever their `role`; None when not logged in."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Role.ADMIN if user.is_superuser else user.role


def role_refusal(user, writers: Iterable[str] = PROJECT_WRITERS) -> str | None:
    """Why `user` may write no row at all of a resource that `writers` may write; None when they may write some."""
    role = role_of(user)
    if role is None:
        return NOT_LOGGED_IN
    if role == Role.ADMIN:
        return None
    if role not in writers:
        return ROLE_REFUSALS.get(role, ROLE_REFUSALS[Role.VIEWER])
    if role == Role.EDITOR and user.office_id is None:
        return NO_OFFICE
    return None


def write_refusal(user, project, writers: Iterable[str] = PROJECT_WRITERS) -> str | None:
    """Why `user` may not write a row that hangs under `project` (None: under no project); None when they may."""
    refusal = role_refusal(user, writers)
    if refusal is not None or role_of(user) != Role.EDITOR:
        return refusal  # admins, and supervisors where they may write, write under any project
    if project is None:
        return TOWN_WIDE
    if project.office_id != user.office_id:
        return OTHER_OFFICE
    return None


def require_role(user, writers: Iterable[str]) -> None:
    """Raises PermissionDenied (403, saying why) unless `user`'s role may write a resource that `writers` may."""
    refusal = role_refusal(user, writers)
    if refusal is not None:
        raise PermissionDenied(refusal)


def require_write(user, projects: Iterable, writers: Iterable[str] = PROJECT_WRITERS) -> None:
    """Raises PermissionDenied (403, saying why) unless `user` may write under every one of `projects` (each with
    its `office_id`; None for a row under no project)."""
    for project in projects:
        refusal = write_refusal(user, project, writers)
        if refusal is not None:
            raise PermissionDenied(refusal)


class OfficeWritePermission(BasePermission):
    """Reads: any logged-in user. Writes: the role must be one that may write the view's resource (`writers_of`),
    and the user must be allowed to write under every project the stored row hangs under (`projects_of`); the
    write service asks again about the row as it would be written.

    A write to an existing row is decided on the row, after it is found, so an id that does not exist answers
    404 to every logged-in user; a create is refused by role before the body is read.
    """

    message = ROLE_REFUSALS[Role.VIEWER]

    def has_permission(self, request, view) -> bool:
        if role_of(request.user) is None:
            return False
        if request.method in SAFE_METHODS or getattr(view, "detail", False):
            return True
        return self._allowed(role_refusal(request.user, writers_of(view)))

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        writers = writers_of(view)
        return all(self._allowed(write_refusal(request.user, project, writers)) for project in projects_of(view, obj))

    def _allowed(self, refusal: str | None) -> bool:
        if refusal is not None:
            self.message = refusal
        return refusal is None


def writers_of(view) -> frozenset:
    """The roles that may write the view's resource: its write services say (`writes.writers`)."""
    writes = getattr(view, "writes", None)
    return frozenset(writes.writers) if writes is not None else PROJECT_WRITERS


def projects_of(view, obj) -> list:
    """The projects `obj` hangs under, as the view says (`projects_of`), by default its `project` (None if none)."""
    hook = getattr(view, "projects_of", None)
    return list(hook(obj)) if hook is not None else [getattr(obj, "project", None)]
