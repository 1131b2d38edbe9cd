# Encrypts the ID numbers already stored in plain text, fills in their look-up hash and masked
# form; backwards, writes them in plain text again. Needs the data and index keys (common.keys).

from django.db import migrations

from medpause.common.encryption import decrypt, encrypt, id_number_hash, id_number_normal
from medpause.common.masking import mask_id_number

CHUNK = 1000
PERSON = "registry.person.id_number"
UNIT = "registry.unit.legal_representative_id_number"


def _chunks(queryset):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _plain(value: str) -> bool:
    return bool(value) and ":" not in value  # a ciphertext is "<key id>:<base64>"


def encrypt_rows(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Unit = apps.get_model("registry", "Unit")
    for rows in _chunks(Person.objects.all()):
        changed = [p for p in rows if _plain(p.id_number)]
        for p in changed:
            number = id_number_normal(p.id_number)
            p.id_number_hash, p.id_number_masked = id_number_hash(number), mask_id_number(number)
            p.id_number = encrypt(number, context=PERSON)
        Person.objects.bulk_update(changed, ["id_number", "id_number_hash", "id_number_masked"])
    for rows in _chunks(Unit.objects.all()):
        changed = [u for u in rows if _plain(u.legal_representative_id_number)]
        for u in changed:
            number = id_number_normal(u.legal_representative_id_number)
            u.legal_representative_id_masked = mask_id_number(number)
            u.legal_representative_id_number = encrypt(number, context=UNIT)
        Unit.objects.bulk_update(changed, ["legal_representative_id_number", "legal_representative_id_masked"])


def decrypt_rows(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Unit = apps.get_model("registry", "Unit")
    for rows in _chunks(Person.objects.all()):
        changed = [p for p in rows if p.id_number and not _plain(p.id_number)]
        for p in changed:
            p.id_number, p.id_number_hash = decrypt(p.id_number, context=PERSON), None
        Person.objects.bulk_update(changed, ["id_number", "id_number_hash"])
    for rows in _chunks(Unit.objects.all()):
        changed = [u for u in rows if u.legal_representative_id_number and not _plain(u.legal_representative_id_number)]
        for u in changed:
            u.legal_representative_id_number = decrypt(u.legal_representative_id_number, context=UNIT)
        Unit.objects.bulk_update(changed, ["legal_representative_id_number"])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_id_number_columns'),
    ]

    operations = [
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
