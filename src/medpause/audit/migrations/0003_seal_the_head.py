# Seals the chain written so far: the head row (created if absent, so the application's
# database role needs no INSERT on it) records that events up to its current one are linked by
# plain SHA-256, and is signed with the audit key. Later events must be keyed.

from django.db import migrations

from medpause.audit.chain import GENESIS, head_signature


def seal(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-seq").first()
        head = AuditHead(pk=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS)
    head.legacy_until = head.seq
    head.signature = head_signature(head.seq, head.hash, head.legacy_until)
    head.save()


def unseal(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.filter(pk=1).update(legacy_until=0, signature="")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_keyed_chain'),
    ]

    operations = [
        migrations.RunPython(seal, unseal),
    ]
