# From now on the model encrypts and decrypts (common.encryption): the number is unique through
# its keyed hash.

import medpause.common.encryption
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_encrypt_id_numbers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=medpause.common.encryption.EncryptedCharField(max_length=128, verbose_name='ID number'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number_hash',
            field=medpause.common.encryption.KeyedHashField(max_length=64, source='id_number', unique=True, verbose_name='ID number look-up hash'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number_masked',
            field=medpause.common.encryption.MaskedIdField(max_length=32, source='id_number', verbose_name='ID number (masked)'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='legal_representative_id_number',
            field=medpause.common.encryption.EncryptedCharField(max_length=128, verbose_name="legal representative's ID number"),
        ),
        migrations.AlterField(
            model_name='unit',
            name='legal_representative_id_masked',
            field=medpause.common.encryption.MaskedIdField(max_length=32, source='legal_representative_id_number', verbose_name="legal representative's ID number (masked)"),
        ),
    ]
