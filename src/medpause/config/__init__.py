"""Settings, urls, the WSGI/ASGI entry points and the `medpause` command."""

import os


def restrict_files() -> None:
    """Files and folders this process creates are its own: umask 077 (a database, documents, a
    secret key readable by no one else on the machine). Called first by every entry point."""
    os.umask(0o077)
