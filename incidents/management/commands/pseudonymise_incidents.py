from django.core.management.base import BaseCommand

from incidents.retention import due_for_pseudonymising, pseudonymise, retention_days


class Command(BaseCommand):
    help = (
        "Pseudonymise closed incident reports older than settings.INCIDENT_RETENTION_DAYS: "
        "aliases, descriptions and people are removed, counts and kinds kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the period.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many reports would change."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = retention_days() if days is None else days
        due = due_for_pseudonymising(days)
        if dry_run:
            count = due.count()
            self.stdout.write(
                f"Dry run: {count} closed reports older than {days} days would be pseudonymised."
            )
            return
        count = pseudonymise(due)
        self.stdout.write(f"Pseudonymised {count} closed reports older than {days} days.")
