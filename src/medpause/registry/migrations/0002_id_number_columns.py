# The columns of encrypted ID numbers (ADR 0011): room for the ciphertext, the keyed look-up
# hash (unique once filled in by 0003) and the stored masked form.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=models.CharField(max_length=128, verbose_name='ID number'),
        ),
        migrations.AddField(
            model_name='person',
            name='id_number_hash',
            field=models.CharField(max_length=64, null=True, verbose_name='ID number look-up hash'),
        ),
        migrations.AddField(
            model_name='person',
            name='id_number_masked',
            field=models.CharField(default='', max_length=32, verbose_name='ID number (masked)'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='legal_representative_id_number',
            field=models.CharField(max_length=128, verbose_name="legal representative's ID number"),
        ),
        migrations.AddField(
            model_name='unit',
            name='legal_representative_id_masked',
            field=models.CharField(default='', max_length=32, verbose_name="legal representative's ID number (masked)"),
        ),
    ]
