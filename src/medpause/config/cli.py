"""The `medpause` command: Django's management commands plus setup, demo, serve, audit, keys, remind,
batches, policy."""

import os
import sys


def main() -> None:
    from medpause.config import restrict_files

    restrict_files()  # before anything opens a file: the database, documents, the secret key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medpause.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
