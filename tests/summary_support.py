"""A summary kept by triggers equals its recount (centres.recounts)."""

from django.db import connection


def assert_recounted(*models):
    with connection.cursor() as cursor:
        for model in models:
            recount = model.recount
            assert recount.stored(cursor) == recount.counted(cursor), recount.table
