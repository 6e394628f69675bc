from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from centres.models import JobFailure
from centres.queue import next_runs


class Command(BaseCommand):
    help = (
        "Show the task queue: jobs by task and status, the failed jobs with their last "
        "error, and the next run of each periodic task (succeeded jobs are deleted)."
    )

    def handle(self, *args, **options):
        write = self.stdout.write
        write("Jobs by task and status:")
        counts = (
            ProcrastinateJob.objects.values_list("task_name", "status")
            .annotate(jobs=Count("id"))
            .order_by("task_name", "status")
        )
        for task_name, status, jobs in counts:
            write(f"  {task_name:<50} {status:<10} {jobs:>6}")
        if not counts:
            write("  (none)")

        write("Failed jobs:")
        failed = list(ProcrastinateJob.objects.filter(status="failed").order_by("id"))
        errors = {}
        for failure in JobFailure.objects.filter(job_id__in=[job.id for job in failed]):
            errors.setdefault(failure.job_id, failure)  # the latest first
        for job in failed:
            failure = errors.get(job.id)
            at = timezone.localtime(failure.at) if failure else None
            error = f"{at:%Y-%m-%d %H:%M} {failure.error}" if failure else "?"
            write(f"  #{job.id} {job.task_name} ({job.attempts} attempts): {error}")
        if not failed:
            write("  (none)")

        write("Next runs (Copenhagen time):")
        now = timezone.now()
        for periodic in app.periodic_registry.periodic_tasks.values():
            [moment] = next_runs(periodic.cron, now, 1)
            write(f"  {periodic.task.name:<50} {moment:%Y-%m-%d %H:%M}")
