from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.models import TallyEvent


class Command(BaseCommand):
    help = "Delete the ids of counter taps and undos applied more than a week ago."

    def handle(self, *args, **options):
        deleted = TallyEvent.objects.purge(timezone.now())
        self.stdout.write(f"Deleted {deleted} counter events older than a week.")
