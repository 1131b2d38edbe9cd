from django.core.management import BaseCommand

from medpause.common.dates import today
from medpause.notices.services import reminders_send


class Command(BaseCommand):
    help = "Scheduled job (run daily from cron): reminders of planned stop ends and overdue reviews."

    def handle(self, *args, **options):
        made = reminders_send(on=today())
        self.stdout.write(f"{made} notices made")
