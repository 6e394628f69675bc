import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.models import AccessLogEntry


class Command(BaseCommand):
    help = "Delete access-log rows older than settings.ACCESS_LOG_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of ACCESS_LOG_RETENTION_DAYS.",
        )

    def handle(self, *args, days=None, **options):
        days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = AccessLogEntry.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} access-log rows older than {days} days.")
