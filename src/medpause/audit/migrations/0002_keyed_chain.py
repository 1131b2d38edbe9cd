# The keyed audit chain (ADR 0010): each event names its link scheme (the events already
# written keep plain SHA-256, 1; new ones are HMAC-SHA-256 under the audit key, 2), the head
# row is signed and seals where the unkeyed part ends, and verification leaves signed
# checkpoints.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='scheme',
            field=models.PositiveSmallIntegerField(choices=[(1, 'SHA-256 (before the keyed chain)'), (2, 'HMAC-SHA-256 (keyed)')], default=1, verbose_name='link scheme'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='scheme',
            field=models.PositiveSmallIntegerField(choices=[(1, 'SHA-256 (before the keyed chain)'), (2, 'HMAC-SHA-256 (keyed)')], default=2, verbose_name='link scheme'),
        ),
        migrations.AddField(
            model_name='audithead',
            name='legacy_until',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='audithead',
            name='signature',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField()),
                ('hash', models.CharField(max_length=64)),
                ('at', models.DateTimeField()),
                ('full', models.BooleanField(default=False)),
                ('signature', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-seq'],
                'indexes': [models.Index(fields=['seq'], name='audit_audit_seq_9d674f_idx')],
            },
        ),
    ]
