from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.models import SubmissionToken


class Command(BaseCommand):
    help = "Delete one-time form tokens older than a day (the queue does it hourly)."

    def handle(self, *args, **options):
        deleted = SubmissionToken.objects.purge(timezone.now())
        self.stdout.write(f"Deleted {deleted} form tokens older than a day.")
