"""`medpause batches run`: finish every batch nobody is working on.

Uploads start their work in a background thread when the upload commits; if that process
stops (restart, crash, killed worker), the batch stays unfinished. Production runs this
command every minute from cron or a systemd timer (docs/operations.md, docs/performance.md);
a batch whose worker has not reported for MEDPAUSE_BATCH_STALE_SECONDS is taken over."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run unfinished unit batch files (stop/resume)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["run", "list"])
        parser.add_argument("--batch", type=int, help="only this batch")
        parser.add_argument(
            "--stale-after", type=int, default=None,
            help="take over a batch whose worker has been silent this many seconds (default: setting)",
        )

    def handle(self, *args, action, batch=None, stale_after=None, **options):
        from medpause.batches.models import Batch
        from medpause.batches.services import batch_run, unfinished

        stale = dt.timedelta(seconds=stale_after) if stale_after is not None else None
        ids = unfinished(stale=stale)
        if batch is not None:
            if not Batch.objects.filter(pk=batch).exists():
                raise CommandError(f"no batch {batch}")
            ids = [i for i in ids if i == batch]
        if action == "list":
            for pk in ids:
                self.stdout.write(str(pk))
            return
        for pk in ids:
            result = batch_run(batch_id=pk, stale=stale)
            if result is None:
                self.stdout.write(f"batch {pk}: taken by another worker")
            else:
                self.stdout.write(
                    f"batch {pk}: {result.status} ({result.rows_total} rows, {result.rows_failed} failed, "
                    f"{result.rows_applied} applied)"
                )
