import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.models import SubmissionToken

# A form is sent again within seconds or minutes; a day is ample.
KEEP = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = "Delete one-time form tokens older than a day."

    def handle(self, *args, **options):
        deleted, _ = SubmissionToken.objects.filter(created__lt=timezone.now() - KEEP).delete()
        self.stdout.write(f"Deleted {deleted} form tokens older than a day.")
