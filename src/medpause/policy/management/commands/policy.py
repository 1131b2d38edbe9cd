from pathlib import Path

from django.core.management import BaseCommand, CommandError

from medpause.policy.lint import policy_check


class Command(BaseCommand):
    help = (
        "Policy file tools. `policy check` fails, naming file and key, on a value with no public source "
        "that is not marked local_setting, a figure its cited texts do not mention, a cited source without "
        "text, or a consequence text that contradicts the values (docs/adr/0009)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--dir", type=Path, default=None, help="the policy files (default: settings.POLICY_DIR)")

    def handle(self, *args, action, dir=None, **options):
        problems, checked = policy_check(dir)
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problems in the policy files")
        self.stdout.write(
            f"{checked} policy files checked: every value cites a source that says it or is marked local_setting"
        )
