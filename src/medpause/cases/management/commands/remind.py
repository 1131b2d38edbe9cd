from django.core.management import BaseCommand

from medpause.cases.services.reminders import reminders_send
from medpause.common.dates import today


class Command(BaseCommand):
    help = "Scheduled job (run daily from cron): reminders of planned stop ends and overdue reviews."

    def handle(self, *args, **options):
        made = reminders_send(on=today())
        self.stdout.write(f"{made} notices made")
