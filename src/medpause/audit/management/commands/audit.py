from django.core.management import BaseCommand, CommandError

from medpause.audit.anchors import AnchorError
from medpause.audit.services import audit_anchor, audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` checks the keyed hash chain from the last signed checkpoint "
        "(`--full`: from the first event) against the latest anchor and reports the first broken link; "
        "`audit anchor` writes the signed head outside the database (MEDPAUSE_AUDIT_ANCHOR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument(
            "--full", action="store_true", help="walk every event, not only those since the last checkpoint"
        )
        parser.add_argument(
            "--anchors", help="the anchor file to check against (default: MEDPAUSE_AUDIT_ANCHOR)"
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=1000,
            help="events before the checkpoint checked at random (default 1000)",
        )

    def handle(self, *args, action, full, anchors, sample, **options):
        if action == "anchor":
            try:
                anchor = audit_anchor()
            except AnchorError as exc:
                raise CommandError(f"no anchor written: {exc}") from exc
            self.stdout.write(f"anchored event {anchor['seq']} ({anchor['hash'][:16]}…) at {anchor['at']}")
            return
        result = audit_verify(full=full, anchors=anchors, sample=sample)
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        if not result.ok:
            raise CommandError(
                f"audit trail broken at event {result.broken_seq}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        how = (
            f"{result.checked} walked after the signed checkpoint at event {result.resumed_from}, "
            f"{result.sampled} earlier ones sampled"
            if result.resumed_from
            else "walked from the first event"
        )
        anchored = f"; anchored at event {result.anchor_seq}" if result.anchor_seq is not None else ""
        self.stdout.write(f"audit trail intact: {result.last_seq} events verified ({how}){anchored}")
