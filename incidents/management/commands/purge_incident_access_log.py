from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.access import purge_access_log


class Command(BaseCommand):
    help = (
        "Delete access-log rows older than settings.ACCESS_LOG_RETENTION_DAYS "
        "(the queue does it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of ACCESS_LOG_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
        deleted = purge_access_log(timezone.now(), days)
        self.stdout.write(f"Deleted {deleted} access-log rows older than {days} days.")
