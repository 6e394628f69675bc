from django.core.management.base import BaseCommand

from activities.services import extend_occurrences


class Command(BaseCommand):
    help = (
        "Plan occurrences of every weekly activity up to the horizon (the queue does it nightly)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{extend_occurrences()} occurrences planned.")
