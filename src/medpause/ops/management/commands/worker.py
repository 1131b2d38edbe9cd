from django.core.management import BaseCommand

from medpause.ops.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background work: tasks from the task queue (batch files, reminders), the daily jobs "
        "and the takeover of batch files whose worker died. See medpause.ops.worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to wait when the queue is empty")
        parser.add_argument("--tick", type=float, default=5.0,
                            help="seconds between looks for due daily jobs and lapsed batch leases")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after running this many tasks")
        parser.add_argument("--burst", action="store_true", help="stop once there is nothing left to do")
        parser.add_argument("--no-schedule", action="store_false", dest="schedule",
                            help="do not enqueue the daily jobs (another worker does)")

    def handle(self, *args, interval, tick, max_tasks, burst, schedule, **options):
        worker = Worker(interval=interval, tick=tick, max_tasks=max_tasks, burst=burst, schedule=schedule)
        worker.configure_signals()
        worker.run()
        self.stdout.write(f"worker {worker.worker_id}: {worker.tasks_run} tasks run")
