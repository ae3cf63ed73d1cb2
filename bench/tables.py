"""The tables of the models whose home app moves, asked of Django's models (call after `django.setup()`).

The progress reports moved from `reporting` to `projects` (their tables renamed from `reporting_…` to
`projects_…` by a migration), so the bench's raw SQL takes their names from the models instead of
spelling them out: it works before and after such a move, against a database migrated by the same code.
"""

from django.apps import apps

OWN_APPS = {"accounts", "core", "milestones", "notifications", "projects", "reporting"}


def db_table(model_name: str) -> str:
    """The table of the one model of our own apps called `model_name` (e.g. "ProgressReport")."""
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__ == model_name and model._meta.app_label in OWN_APPS
    }
    if len(tables) != 1:
        raise LookupError(f"expected one model {model_name} in the apps {sorted(OWN_APPS)}, found {sorted(tables)}")
    return tables.pop()
