"""Move existing screening results onto runs and shared decisions, and each estate's outcome to
EstateEligibility (data, second half of the screening storage change).

Results written together (same time, policy date and user) become one run; its jurisdiction is the
deepest one containing all of its estates. Identical outcome + reasons become one decision, keyed by
the SHA-256 of their canonical JSON (the same digest the screening service computes). Each estate's
newest result becomes its EstateEligibility row; Estate.eligibility was only ever written from those
results, so nothing else needs carrying over.
"""

import hashlib
import json

from django.db import migrations


def _digest(outcome, reasons):
    canonical = json.dumps({"outcome": outcome, "reasons": reasons}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _common_jurisdiction(Jurisdiction, paths):
    paths = sorted(set(paths))
    if not paths:
        return None
    first, last = paths[0], paths[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:n]
    prefix = prefix[: prefix.rfind("/") + 1]
    return Jurisdiction.objects.filter(path=prefix).first() if prefix else None


def forwards(apps, schema_editor):
    Jurisdiction = apps.get_model("accounts", "Jurisdiction")
    ScreeningResult = apps.get_model("inventory", "ScreeningResult")
    ScreeningRun = apps.get_model("inventory", "ScreeningRun")
    ScreeningDecision = apps.get_model("inventory", "ScreeningDecision")
    EstateEligibility = apps.get_model("inventory", "EstateEligibility")

    decisions = {}
    latest = {}
    rows = (
        ScreeningResult.objects.order_by("id")
        .values("id", "estate_id", "estate__jurisdiction__path", "screened_at", "policy_date", "screened_by_id", "outcome", "reasons")
        .iterator(chunk_size=5000)
    )
    grouped = {}
    links = {}
    for row in rows:
        key = (row["screened_at"], row["policy_date"], row["screened_by_id"])
        grouped.setdefault(key, []).append(row)
    for (screened_at, policy_date, screened_by_id), members in grouped.items():
        counts = {}
        for row in members:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        run = ScreeningRun.objects.create(
            jurisdiction=_common_jurisdiction(Jurisdiction, [r["estate__jurisdiction__path"] for r in members]),
            policy_date=policy_date,
            screened_at=screened_at,
            screened_by_id=screened_by_id,
            estates=len(members),
            counts=counts,
        )
        for row in members:
            digest = _digest(row["outcome"], row["reasons"])
            decision = decisions.get(digest)
            if decision is None:
                decision = decisions[digest] = ScreeningDecision.objects.create(
                    outcome=row["outcome"], reasons=row["reasons"], digest=digest
                )
            links.setdefault((run.pk, decision.pk), []).append(row["id"])
            newest = latest.get(row["estate_id"])
            if newest is None or (screened_at, row["id"]) > (newest[0], newest[1]):
                latest[row["estate_id"]] = (screened_at, row["id"], run, decision)
    for (run_id, decision_id), ids in links.items():
        for start in range(0, len(ids), 5000):
            ScreeningResult.objects.filter(pk__in=ids[start : start + 5000]).update(
                run_id=run_id, decision_id=decision_id
            )
    EstateEligibility.objects.bulk_create(
        [
            EstateEligibility(
                estate_id=estate_id, outcome=decision.outcome, decision=decision, run=run, screened_at=screened_at
            )
            for estate_id, (screened_at, _id, run, decision) in latest.items()
        ],
        batch_size=5000,
    )


def backwards(apps, schema_editor):
    ScreeningResult = apps.get_model("inventory", "ScreeningResult")
    Estate = apps.get_model("inventory", "Estate")
    EstateEligibility = apps.get_model("inventory", "EstateEligibility")
    for result in ScreeningResult.objects.select_related("run", "decision").iterator(chunk_size=5000):
        ScreeningResult.objects.filter(pk=result.pk).update(
            outcome=result.decision.outcome,
            reasons=result.decision.reasons,
            policy_date=result.run.policy_date,
            screened_at=result.run.screened_at,
            screened_by_id=result.run.screened_by_id,
        )
    for status in EstateEligibility.objects.iterator(chunk_size=5000):
        Estate.objects.filter(pk=status.estate_id).update(eligibility=status.outcome)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_screening_runs_decisions_and_estate_eligibility")]

    operations = [migrations.RunPython(forwards, backwards)]
