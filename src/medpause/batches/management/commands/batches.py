"""`medpause batches run`: finish, here and now, every batch file no worker holds.

Uploads are queued as tasks that `medpause worker` runs, and a worker takes over a batch whose
worker's lease lapsed (MEDPAUSE_BATCH_LEASE_SECONDS); this command is for running them by hand
(or without a worker): it takes each free batch under its own lease, as a worker would."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run unfinished unit batch files (stop/resume) that no worker holds."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "list"])
        parser.add_argument("--batch", type=int, help="only this batch")

    def handle(self, *args, action, batch=None, **options):
        from medpause.batches.models import Batch
        from medpause.batches.services import batch_run, unfinished

        ids = unfinished()
        if batch is not None:
            if not Batch.objects.filter(pk=batch).exists():
                raise CommandError(f"no batch {batch}")
            ids = [i for i in ids if i == batch]
        if action == "list":
            for pk in ids:
                self.stdout.write(str(pk))
            return
        for pk in ids:
            result = batch_run(batch_id=pk)
            if result is None:
                self.stdout.write(f"batch {pk}: taken by another worker")
            else:
                self.stdout.write(
                    f"batch {pk}: {result.status} ({result.rows_total} rows, {result.rows_failed} failed, "
                    f"{result.rows_applied} applied)"
                )
