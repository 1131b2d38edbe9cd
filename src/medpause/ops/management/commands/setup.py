from django.core.management import BaseCommand, call_command

from medpause.ops.files import data_dir_restrict
from medpause.policy.services import policies_load


class Command(BaseCommand):
    help = "Create or update the database, load regions and policies, collect static files. Idempotent."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the "shared" cache (settings.CACHES)
        versions = policies_load()
        call_command("collectstatic", interactive=False, verbosity=0)
        data_dir_restrict()  # the data folder 0700, the database and stored files 0600
        self.stdout.write(f"Database ready; {len(versions)} policy versions loaded: " + ", ".join(v.label for v in versions))
