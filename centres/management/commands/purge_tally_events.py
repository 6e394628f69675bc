import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.models import TallyEvent, TallyEventState

# An id is kept while its batch may still come again. A copy arriving later than this
# carries a tap over 48 hours old, which is never counted without the leader, so it
# cannot count twice unseen. The leader's decisions and the taps that wait are kept.
KEEP = datetime.timedelta(days=7)
SETTLED = (
    TallyEventState.COUNTED,
    TallyEventState.UNDONE,
    TallyEventState.APPLIED,
    TallyEventState.NO_EFFECT,
)


class Command(BaseCommand):
    help = "Delete the ids of counter taps and undos applied more than a week ago."

    def handle(self, *args, **options):
        deleted, _ = TallyEvent.objects.filter(
            state__in=SETTLED, received_at__lt=timezone.now() - KEEP
        ).delete()
        self.stdout.write(f"Deleted {deleted} counter events older than a week.")
