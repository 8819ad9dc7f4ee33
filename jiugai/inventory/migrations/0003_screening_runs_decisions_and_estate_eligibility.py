"""Screening as runs, shared decisions and a narrow latest-outcome table (schema, first half).

Adds ScreeningDecision (each distinct outcome + reasons stored once), ScreeningRun (one row per
screening) and EstateEligibility (each estate's latest outcome, apart from the wide estate table), and
gives ScreeningResult nullable links to a run and a decision. 0004 moves the existing results over;
0005 drops the old columns. The bulk-written links carry no database constraint (checked per row at
commit, they would cost seconds per national screening); see docs/adr/0003-screening-storage.md.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OUTCOMES = [
    ("", "Not screened"),
    ("eligible", "Eligible"),
    ("eligible_capped", "Eligible within the post-2000 cap"),
    ("not_eligible", "Not eligible"),
]


def eligibility_fillfactor(apps, schema_editor):
    """PostgreSQL: leave half of each page free so that re-screening updates rows in place (HOT updates,
    no index writes) instead of moving all of them."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_estateeligibility SET (fillfactor = 50)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("inventory", "0002_condition_surveys_screening_and_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ScreeningDecision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "outcome",
                    models.CharField(blank=True, choices=OUTCOMES, max_length=20, verbose_name="outcome"),
                ),
                ("reasons", models.JSONField(default=list, verbose_name="reasons")),
                (
                    "digest",
                    models.CharField(
                        help_text="SHA-256 of outcome and reasons", max_length=64, unique=True, verbose_name="digest"
                    ),
                ),
            ],
            options={
                "verbose_name": "screening decision",
                "verbose_name_plural": "screening decisions",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="ScreeningRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("policy_date", models.DateField(verbose_name="policy date")),
                (
                    "screened_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="screened at"),
                ),
                ("estates", models.PositiveIntegerField(default=0, verbose_name="estates")),
                ("counts", models.JSONField(blank=True, default=dict, verbose_name="estates per outcome")),
                (
                    "jurisdiction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="screening_runs",
                        to="accounts.jurisdiction",
                        verbose_name="jurisdiction",
                    ),
                ),
                (
                    "screened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="screened by",
                    ),
                ),
            ],
            options={
                "verbose_name": "screening run",
                "verbose_name_plural": "screening runs",
                "ordering": ["-screened_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="EstateEligibility",
            fields=[
                (
                    "estate",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="eligibility_status",
                        serialize=False,
                        to="inventory.estate",
                        verbose_name="estate",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(blank=True, choices=OUTCOMES, max_length=20, verbose_name="outcome"),
                ),
                ("screened_at", models.DateTimeField(verbose_name="screened at")),
                (
                    "decision",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.screeningdecision",
                        verbose_name="decision",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="inventory.screeningrun",
                        verbose_name="run",
                    ),
                ),
            ],
            options={
                "verbose_name": "estate eligibility",
                "verbose_name_plural": "estate eligibilities",
                "ordering": ["estate"],
                "indexes": [models.Index(fields=["outcome"], name="estate_eligibility_outcome_idx")],
            },
        ),
        migrations.RunPython(eligibility_fillfactor, migrations.RunPython.noop),
        migrations.AddField(
            model_name="screeningresult",
            name="run",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="inventory.screeningrun",
                verbose_name="run",
            ),
        ),
        migrations.AddField(
            model_name="screeningresult",
            name="decision",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inventory.screeningdecision",
                verbose_name="decision",
            ),
        ),
    ]
