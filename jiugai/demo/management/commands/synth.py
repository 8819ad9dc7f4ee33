"""Generate synthetic estates, buildings and households at city, province or national scale."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.demo.synth import SCALES, synth_load


class Command(BaseCommand):
    help = "Write synthetic estates through the bulk path (COPY on PostgreSQL) and report rows per second."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="city")
        parser.add_argument("--jurisdiction", default="CN", help="Parent node code (default CN, the nation).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--estates", type=int, help="Override the number of estates (e.g. 20 for a quick run).")
        parser.add_argument("--households", type=int, help="Scale down to about this many households.")
        parser.add_argument("--batch-estates", type=int, default=500, help="Estates per streamed batch.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = synth_load(
                scale=options["scale"],
                jurisdiction_code=options["jurisdiction"],
                seed=options["seed"],
                estates=options["estates"],
                households=options["households"],
                batch_estates=options["batch_estates"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.scale} scale on {result.backend}: {result.estates:,} estates, {result.buildings:,} buildings, "
            f"{result.households:,} households, {result.jurisdictions:,} jurisdictions under {result.prefix} "
            f"in {result.seconds:.2f} s — {result.rows_per_s:,.0f} rows/s ({result.households_per_s:,.0f} households/s)"
        )
