"""Migrations never import application code.

A migration runs against the code of whatever release applies it, years after it was
written: one that borrowed a helper would change (or break) when the helper does. SQL is
written out literally and data is reached through `apps.get_model`. The one exception is
the model state Django itself writes (`import centres.validators` for a field's
validators, a field class, a model's bases): names the models still carry, used only
inside the operations that describe models, never in SQL, functions or module code.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"activities", "advice", "bench", "centres", "config", "incidents", "tests"}
MIGRATIONS = sorted(
    path
    for app in PROJECT
    for path in (ROOT / app / "migrations").glob("*.py")
    if path.name != "__init__.py"
)


def root(name):
    return name.split(".")[0]


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def called(node):
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def problems(source):
    tree = ast.parse(source)
    found = []
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and root(node.module or "") in PROJECT:
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if root(alias.name) == "importlib":
                    found.append(f"line {node.lineno}: import {alias.name}")
                elif root(alias.name) in PROJECT:
                    if alias.asname or node not in tree.body:
                        found.append(f"line {node.lineno}: import {alias.name} as a name")
                    imported.add(root(alias.name))
        elif isinstance(node, ast.Call) and called(node) in {"import_module", "__import__"}:
            found.append(f"line {node.lineno}: {called(node)}()")
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Migration":
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and called(call) in {"RunSQL", "RunPython"}:
                    for name in sorted(names_in(call) & imported):
                        found.append(f"line {call.lineno}: {name} in {called(call)}")
        elif not isinstance(node, ast.Import):
            for name in sorted(names_in(node) & imported):
                found.append(f"line {node.lineno}: {name} outside the model state")
    return found


@pytest.mark.parametrize(
    "path", MIGRATIONS, ids=lambda path: f"{path.parent.parent.name}/{path.stem}"
)
def test_migration_imports_no_application_code(path):
    assert problems(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "from centres import figure_versions as fv\n",
        "import importlib\nearlier = importlib.import_module('centres.migrations.0005_x')\n",
        "import centres.phones\nNORMAL = centres.phones.normalise_phone('1')\n",
        "import centres.clock\nclass Migration:\n    operations = [RunSQL(centres.clock.SQL)]\n",
        "def f():\n    from centres.phones import normalise_phone\n",
    ],
)
def test_an_import_of_application_code_is_found(source):
    assert problems(source)


def test_the_model_state_django_writes_is_allowed():
    source = (
        "import centres.validators\nfrom django.db import migrations, models\n"
        "class Migration(migrations.Migration):\n    operations = [migrations.AddField("
        "field=models.CharField(validators=[centres.validators.reject_cpr_numbers]))]\n"
    )
    assert problems(source) == []
