"""The layout holds (docs/DESIGN.md, "Layout"): an app imports only the apps below it, and no other app's `api/`."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Bottom up: each app may import the ones before it in this list, never one after it.
LAYERS = ["core", "accounts", "milestones", "projects", "reporting", "notifications"]


def imports_of(path: Path) -> set[str]:
    """The absolute module names a file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def app_files(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_the_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in app_files(app)
        for name in imports_of(path)
        if name.split(".")[0] in set(LAYERS) - allowed
    )
    assert not wrong, wrong


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_another_apps_api(app):
    # `core.api` is the shared base of every app's API (the base viewset, fields, errors), not an app's endpoints.
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in app_files(app)
        for name in imports_of(path)
        if name.split(".")[1:2] == ["api"] and name.split(".")[0] not in (app, "core")
    )
    assert not wrong, wrong


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_config(app):
    wrong = sorted(str(path) for path in app_files(app) if any(n.split(".")[0] == "config" for n in imports_of(path)))
    assert not wrong, wrong


@pytest.mark.parametrize("app", ["projects", "milestones"])
def test_no_model_signal_carries_a_domain_rule(app):
    """Writes are explicit (docs/DESIGN.md): the one receiver of a domain model's saves and deletes is the audit
    trail's."""
    from django.apps import apps
    from django.db.models import signals

    foreign = sorted(
        f"{model.__name__}: {signal_name} → {receiver.__module__}"
        for model in apps.get_app_config(app).get_models()
        for signal_name in ("pre_save", "post_save", "pre_delete", "post_delete")
        for receiver in _receivers(getattr(signals, signal_name), model)
        if not receiver.__module__.startswith("auditlog")
    )
    assert not foreign, foreign


def _receivers(signal, sender) -> list:
    receivers = []
    for receiver in signal._live_receivers(sender):
        receivers += receiver if isinstance(receiver, list) else [receiver]
    return [getattr(receiver, "func", receiver) for receiver in receivers]
