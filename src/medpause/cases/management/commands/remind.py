from django.core.management import BaseCommand

from medpause.cases.tasks import remind
from medpause.common.dates import today


class Command(BaseCommand):
    help = (
        "The daily job (`medpause worker` runs it every day): reminders of planned stop ends and "
        "overdue reviews. Runs it now, or with --enqueue puts it on the task queue for a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="leave it to a worker (the task queue)")

    def handle(self, *args, enqueue=False, **options):
        day = today().isoformat()
        if enqueue:
            result = remind.enqueue(day=day)
            self.stdout.write(f"queued as task {result.id}")
            return
        self.stdout.write(f"{remind.call(day=day)} notices made")
