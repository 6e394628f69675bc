"""Send today's reminder e-mails (config.digest.send_digests); safe to run again."""

from django.core.management.base import BaseCommand

from config.digest import send_digests


class Command(BaseCommand):
    help = "Send each person's daily to-do e-mail when something on it is new or due."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} sent")
