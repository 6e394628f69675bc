"""Benchmark-only code: `manage.py bench`, the hand-written SQL it compares the dashboard
against, and the empty view `make load` measures the stack with.

Not a production package (pyproject.toml leaves it out): INSTALLED_APPS has it only when
VAERESTED_BENCH=1, and config.urls serves its view only when VAERESTED_BENCH_VIEWS=1.
"""
