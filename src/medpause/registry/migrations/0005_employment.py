# Dated employment periods (docs/adr/0015): one open period for each person registered so far,
# from their card's issue day (their creation day without a card), with their unit and category.

import django.db.models.deletion
from django.db import migrations, models


def open_periods(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Employment = apps.get_model("registry", "Employment")
    rows = []
    for person_id, unit_id, category, issued_on, created_at in Person.objects.values_list(
        "pk", "unit_id", "category", "card__issued_on", "created_at"
    ).iterator(chunk_size=2000):
        start = issued_on or created_at.date()
        rows.append(Employment(
            person_id=person_id, unit_id=unit_id if category == "employee" else None, category=category,
            start_date=start,
        ))
        if len(rows) >= 2000:
            Employment.objects.bulk_create(rows)
            rows = []
    Employment.objects.bulk_create(rows)


def drop_periods(apps, schema_editor):
    apps.get_model("registry", "Employment").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_id_numbers_encrypted"),
    ]

    operations = [
        migrations.CreateModel(
            name="Employment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("category", models.CharField(choices=[("employee", "Employee (unit and employee share the premium)"), ("flexible", "Flexible worker (pays alone)")], max_length=16, verbose_name="category")),
                ("start_date", models.DateField(verbose_name="start date")),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="end date")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="employments", to="registry.person")),
                ("unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="employments", to="registry.unit", verbose_name="unit")),
            ],
            options={
                "verbose_name": "employment period",
                "verbose_name_plural": "employment periods",
                "ordering": ["person", "start_date"],
                "constraints": [
                    models.UniqueConstraint(fields=("person", "start_date"), name="employment_one_start_per_day"),
                    models.UniqueConstraint(condition=models.Q(("end_date__isnull", True)), fields=("person",), name="employment_one_open_period"),
                    models.CheckConstraint(condition=models.Q(("end_date__isnull", True), ("end_date__gte", models.F("start_date")), _connector="OR"), name="employment_ends_after_start"),
                    models.CheckConstraint(condition=models.Q(models.Q(("category", "employee"), ("unit__isnull", False)), models.Q(("category", "flexible"), ("unit__isnull", True)), _connector="OR"), name="employment_unit_iff_employee"),
                ],
            },
        ),
        migrations.RunPython(open_periods, drop_periods),
    ]
