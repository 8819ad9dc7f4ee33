"""Drop the columns that screening no longer writes (schema, last half of the storage change).

Estate.eligibility now lives in EstateEligibility; a result's outcome and reasons in its shared
ScreeningDecision; its time, policy date and user in its ScreeningRun. The result's link to its estate
loses its database constraint like the other bulk-written links (docs/adr/0003-screening-storage.md).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_move_screening_results_to_runs_and_decisions")]

    operations = [
        migrations.AlterModelOptions(
            name="screeningresult",
            options={"ordering": ["-id"], "verbose_name": "screening result", "verbose_name_plural": "screening results"},
        ),
        migrations.RemoveField(model_name="estate", name="eligibility"),
        migrations.RemoveField(model_name="screeningresult", name="outcome"),
        migrations.RemoveField(model_name="screeningresult", name="policy_date"),
        migrations.RemoveField(model_name="screeningresult", name="reasons"),
        migrations.RemoveField(model_name="screeningresult", name="screened_at"),
        migrations.RemoveField(model_name="screeningresult", name="screened_by"),
        migrations.AlterField(
            model_name="screeningresult",
            name="estate",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="screenings",
                to="inventory.estate",
                verbose_name="estate",
            ),
        ),
        migrations.AlterField(
            model_name="screeningresult",
            name="run",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="inventory.screeningrun",
                verbose_name="run",
            ),
        ),
        migrations.AlterField(
            model_name="screeningresult",
            name="decision",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inventory.screeningdecision",
                verbose_name="decision",
            ),
        ),
    ]
