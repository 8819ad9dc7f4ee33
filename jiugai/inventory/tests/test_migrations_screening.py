"""The screening storage migrations carry existing results over to runs, shared decisions and latest outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("inventory", "0002_condition_surveys_screening_and_imports")]
REASONS = [{"code": "completed_in_time", "message": "completed in time", "parameter": "eligibility.completed_by"}]


def _migrate(targets: list[tuple[str, str]] | None) -> Any:
    """Migrate to `targets` (None: the latest migrations, where the other tests expect the schema)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_results_become_runs_decisions_and_latest_outcomes(tree: Any) -> None:
    old = _migrate(BEFORE)
    try:
        Estate = old.get_model("inventory", "Estate")
        Result = old.get_model("inventory", "ScreeningResult")
        estates = [
            Estate.objects.create(
                code=f"M{n}", name=f"旧{n}", jurisdiction_id=community.pk, street_id=street.pk, eligibility="eligible"
            )
            for n, (community, street) in enumerate(
                [
                    (tree.community_a, tree.street_a),
                    (tree.community_a, tree.street_a),
                    (tree.community_b, tree.street_b),
                ]
            )
        ]
        bulk_at = timezone.now() - dt.timedelta(days=2)
        for estate in estates:
            result = Result.objects.create(
                estate=estate, policy_date=dt.date(2023, 1, 1), outcome="eligible", reasons=REASONS
            )
            Result.objects.filter(pk=result.pk).update(screened_at=bulk_at)  # one bulk screening
        later = Result.objects.create(
            estate=estates[0], policy_date=dt.date(2024, 1, 1), outcome="not_eligible", reasons=[]
        )
        Estate.objects.filter(pk=estates[0].pk).update(eligibility="not_eligible")
    finally:
        new = _migrate(None)
    Run = new.get_model("inventory", "ScreeningRun")
    Decision = new.get_model("inventory", "ScreeningDecision")
    Status = new.get_model("inventory", "EstateEligibility")
    Result = new.get_model("inventory", "ScreeningResult")
    assert Decision.objects.count() == 2  # the three identical results share one decision
    bulk = Run.objects.get(policy_date=dt.date(2023, 1, 1))
    assert bulk.estates == 3 and bulk.jurisdiction_id == tree.district.pk and bulk.counts == {"eligible": 3}
    single = Run.objects.get(policy_date=dt.date(2024, 1, 1))
    assert single.jurisdiction_id == tree.community_a.pk
    assert Result.objects.filter(run=bulk).count() == 3 and Result.objects.get(pk=later.pk).run_id == single.pk
    outcomes = dict(Status.objects.values_list("estate__name", "outcome"))
    assert outcomes == {"旧0": "not_eligible", "旧1": "eligible", "旧2": "eligible"}
    assert Decision.objects.get(outcome="eligible").reasons == REASONS
