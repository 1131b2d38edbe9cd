from django.core.management import BaseCommand

from medpause.ops.demo import demo_load, logins_table


class Command(BaseCommand):
    help = (
        "Load demo data (idempotent): logins of every role, units with employees, flexible workers, "
        "a year of contributions and applications in every state. Password for all: medpause-demo."
    )

    def handle(self, *args, **options):
        result = demo_load()
        if result.created:
            self.stdout.write("Demo data created.")
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        self.stdout.write("")
        self.stdout.write(logins_table())
