"""A local SMTP server (aiosmtpd) run as its own process by the tests (tests/notices/stubs.py):
every message it receives is written to FOLDER as <n>.eml.

    python tests/notices/smtp_server.py PORT FOLDER"""

import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder: Path):
        self.folder, self.count = folder, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.count += 1
        target = self.folder / f"{self.count:04d}.eml"
        target.with_suffix(".tmp").write_bytes(envelope.original_content or envelope.content)
        target.with_suffix(".tmp").rename(target)
        return "250 OK"


if __name__ == "__main__":
    controller = Controller(Keep(Path(sys.argv[2])), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    threading.Event().wait()
