"""`jiugai plan optimise --jurisdiction CODE --year Y --budget B [--cap 15%] [--json]`: build (or reuse) the
year's draft plan of a jurisdiction with that budget, optimise it and print the tiers, the comparison with the
spreadsheet method and why each estate was left out."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.accounts.models import Jurisdiction
from jiugai.planning import selectors, services
from jiugai.planning.models import AnnualPlan


class Command(BaseCommand):
    help = "Annual plans: `plan optimise --jurisdiction CODE --year Y --budget B [--json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        optimise = sub.add_parser("optimise", help="optimise the year's draft plan of a jurisdiction")
        optimise.add_argument("--jurisdiction", required=True, help="jurisdiction code, e.g. 640402")
        optimise.add_argument("--year", required=True, type=int)
        optimise.add_argument("--budget", required=True, help="yuan")
        optimise.add_argument("--cap", default=None, help="post-2000 household cap (default: the policy profile's)")
        optimise.add_argument("--new", action="store_true", help="always create a new draft plan")
        optimise.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"there is no jurisdiction with code {options['jurisdiction']!r}", returncode=2)
        try:
            budget = Decimal(options["budget"])
        except InvalidOperation as exc:
            raise CommandError(f"--budget must be a number, not {options['budget']!r}", returncode=2) from exc
        plan = None
        if not options["new"]:
            plan = (
                AnnualPlan.objects.filter(
                    jurisdiction=jurisdiction, year=options["year"], status="draft", scenario_of=None
                )
                .order_by("-id")
                .first()
            )
        try:
            if plan is None:
                plan = services.plan_create(
                    jurisdiction=jurisdiction, year=options["year"], budget=budget, post2000_cap=options["cap"]
                )
            else:
                changes: dict[str, Any] = {"budget": budget}
                if options["cap"] is not None:
                    changes["post2000_cap"] = options["cap"]
                services.plan_update(plan=plan, **changes)
            plan = services.plan_optimise(plan=plan)
        except services.PlanInputError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"ok": False, "message": exc.messages[0], "conflicts": list(exc.conflicts)}, ensure_ascii=False
                    )
                )
            raise CommandError(f"{exc.messages[0]} [{', '.join(exc.conflicts)}]", returncode=1) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from exc
        entries = list(selectors.plan_entries(plan=plan))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": True,
                        "plan": plan.pk,
                        "jurisdiction": jurisdiction.code,
                        "year": plan.year,
                        "budget": str(plan.budget),
                        "result": plan.result,
                        "entries": [
                            {
                                "estate": e.estate.code,
                                "name": e.estate.name,
                                "tier": e.tier,
                                "unit": e.unit_key,
                                "cost": str(e.cost),
                                "households": e.households,
                                "score": str(e.score),
                                "in_optimal": e.in_optimal,
                                "in_spreadsheet": e.in_spreadsheet,
                                "exclusion": e.exclusion_code,
                                "why": e.exclusion_message,
                                "bring_in": e.bring_in,
                            }
                            for e in entries
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        r = plan.result
        self.stdout.write(f"{plan.title} (plan {plan.pk}), budget {plan.budget} yuan")
        self.stdout.write(
            f"  optimal:     benefit {r['objective']} (bound {r['bound']}, gap {r['gap']}, {r['status']}), "
            f"cost {r['cost']}, {r['households']} households"
        )
        self.stdout.write(
            f"  spreadsheet: benefit {r['spreadsheet_objective']}, cost {r['spreadsheet_cost']}, "
            f"{r['spreadsheet_households']} households"
        )
        for tier in ("implement", "plan", "reserve"):
            rows = [e for e in entries if e.tier == tier]
            self.stdout.write(f"{tier}: {len(rows)} estates")
            for e in rows:
                line = f"  {e.estate.code} {e.estate.name}: {e.cost} yuan, {e.households} households, score {e.score}"
                if e.exclusion_message:
                    line += f" — {e.exclusion_message}"
                    if e.bring_in:
                        line += f" ({e.bring_in})"
                self.stdout.write(line)
