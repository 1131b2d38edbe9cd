from django.core.management import BaseCommand, call_command

from medpause.policy.services import policies_load


class Command(BaseCommand):
    help = "Create or update the database, load regions and policies, collect static files. Idempotent."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the "shared" cache (settings.CACHES)
        versions = policies_load()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready; {len(versions)} policy versions loaded: " + ", ".join(v.label for v in versions))
