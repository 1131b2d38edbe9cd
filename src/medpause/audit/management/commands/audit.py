from django.core.management import BaseCommand, CommandError

from medpause.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` walks the hash chain and reports the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit trail intact: {result.checked} events verified")
            return
        raise CommandError(
            f"audit trail broken at event {result.broken_seq}: {result.problem} ({result.checked} events verified before it)"
        )
