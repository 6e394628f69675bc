import ast
import fnmatch
import io
import tomllib
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class

ROOT = Path(__file__).resolve().parents[2]


def test_bench_view_is_not_served_without_its_environment_variable(db, client, monkeypatch):
    monkeypatch.delenv("VAERESTED_BENCH_VIEWS", raising=False)
    assert client.get("/bench/plain/").status_code == 404


def test_bench_package_is_not_a_production_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert included
    assert not any(fnmatch.fnmatch(name, p) for p in included for name in ("bench", "bench.sql"))


def test_production_packages_import_bench_only_where_it_is_optional():
    """config.urls imports the bench view under VAERESTED_BENCH_VIEWS; nothing else may,
    since app servers do not have the package."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]]
    importers = set()
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                if any(n == "bench" or n.startswith("bench.") for n in names):
                    importers.add(path.relative_to(ROOT).as_posix())
    assert importers == {"config/urls.py"}


def test_bench_command_loads_from_the_bench_package():
    command = load_command_class("bench", "bench")
    assert command.__module__ == "bench.management.commands.bench"
    assert "--repeat" in command.create_parser("manage.py", "bench").format_help()


@pytest.fixture
def small_scale(db, settings):
    settings.DEBUG = True
    call_command("seed_scale", centres=8, years=1, stdout=io.StringIO())


def run_bench(*args):
    out = io.StringIO()
    call_command(load_command_class("bench", "bench"), *args, stdout=out)
    return out.getvalue().splitlines()


def table(lines):
    """The rows under the dashed line."""
    return lines[next(i for i, line in enumerate(lines) if line.startswith("---")) + 1 :]


def test_bench_prints_every_row_beside_its_target(small_scale):
    rows = table(run_bench("--repeat", "2"))
    expected = [
        ("dashboard, one centre, past", True),
        ("dashboard, one centre, current", True),
        ("dashboard, organisation of 4, past", True),
        ("dashboard, organisation of 4, current", True),
        ("calendar month, staff member", True),
        ("calendar month, users' association", True),
        ("tally page", False),
        ("report pack page", False),
        ("report pack XLSX", True),
        ("dashboard, every centre (8), past", True),
        ("dashboard, every centre (8), current", True),
        ("report pack page", False),
        ("report pack XLSX", True),
    ]
    assert len(rows) == len(expected)
    for row, (label, targeted) in zip(rows, expected, strict=True):
        assert row.startswith(label)
        assert row.endswith(("PASS", "MISS")) == targeted


def test_query_counts_are_the_same_for_the_demo_and_the_scale_data(small_scale):
    rows = table(run_bench("--query-counts"))
    assert len(rows) == 9
    assert all(row.endswith("yes") for row in rows), "\n".join(rows)
