"""The activities app's pages, one module per group of pages (see activities/urls.py)."""
