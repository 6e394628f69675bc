from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from centres import demo as centres_demo
from centres.models import Role
from config.two_factor import replace_backup_codes

APP_DEMOS = ["activities.demo", "advice.demo", "incidents.demo"]


class Command(BaseCommand):
    help = "Load the demo organisation, its centres, one person per role and each app's data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off (never in production).",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; it runs only with "
                "DJANGO_DEBUG=1, or with --force."
            )
        organisation, centres, people = centres_demo.seed()
        for name in APP_DEMOS:
            import_module(name).seed(organisation=organisation, centres=centres, people=people)
        # Leaders sign in with a second step; the demo leader uses backup codes, new on
        # every run, so the demo needs no phone.
        backup_codes = {
            username: replace_backup_codes(user)
            for username, user in people.items()
            if user.requires_two_factor
        }

        self.stdout.write(self.style.SUCCESS(f"Demo data for {organisation} is in place."))
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/ with password '{centres_demo.DEMO_PASSWORD}':"
        )
        # Everyone the demos made, the apps' own people (e.g. outreach workers) included.
        for username, user in people.items():
            where = ", ".join(c.name for c in user.centres.order_by("name")) or "all centres"
            self.stdout.write(f"  {username:<24} {Role(user.role).label} ({where})")
            if username in backup_codes:
                codes = " ".join(backup_codes[username])
                self.stdout.write(f"  {'':<24} then one of these one-time codes: {codes}")
