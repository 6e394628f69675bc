from django.core.management.base import BaseCommand

from activities.models import Activity


class Command(BaseCommand):
    help = "Plan occurrences of every weekly activity up to the horizon (run nightly)."

    def handle(self, *args, **options):
        created = 0
        for activity in Activity.objects.prefetch_related("schedules", "centres"):
            created += activity.materialise()
        self.stdout.write(f"{created} occurrences planned.")
