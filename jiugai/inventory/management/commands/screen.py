"""`jiugai screen JURISDICTION [--date YYYY-MM-DD] [--json]`: screen every estate of a jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.accounts.models import Jurisdiction
from jiugai.inventory import selectors
from jiugai.inventory.services import jurisdiction_screen


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}", returncode=2) from exc


class Command(BaseCommand):
    help = "Screen every estate of a jurisdiction for eligibility and print the outcome with each estate's reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jurisdiction", help="jurisdiction code, e.g. 640402")
        parser.add_argument("--date", help="the policy in force on this date (default today)")
        parser.add_argument("--json", action="store_true", help="print the summary and every result as JSON")
        parser.add_argument("--summary-only", action="store_true", help="leave the per-estate results out")

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"there is no jurisdiction with code {options['jurisdiction']!r}", returncode=2)
        on = _date(options["date"]) if options["date"] else None
        try:
            summary = jurisdiction_screen(jurisdiction=jurisdiction, on=on)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        results = [] if options["summary_only"] else selectors.screening_report_rows(jurisdiction)
        if options["json"]:
            self.stdout.write(json.dumps({"summary": summary.as_dict(), "results": results}, ensure_ascii=False))
            return
        self.stdout.write(
            f"{jurisdiction.code} {jurisdiction.name}: {summary.estates} estates screened under the policy of "
            f"{summary.policy_date.isoformat()} in {summary.seconds:.2f} s"
        )
        for outcome, n in summary.counts.items():
            self.stdout.write(
                f"  {outcome or 'unscreened'}: {n} estates, {summary.households.get(outcome, 0)} households"
            )
        for row in results:
            self.stdout.write(f"{row['code']} {row['name']}: {row['outcome'] or 'unscreened'}")
            for reason in row["reasons"]:
                extra = []
                if reason.get("fact"):
                    extra.append(f"{reason['fact']} = {reason.get('value')}")
                if reason.get("parameter"):
                    extra.append(f"{reason['parameter']} = {reason.get('threshold')}")
                source = reason.get("source") or {}
                if source:
                    extra.append("source: " + ", ".join(str(v) for v in source.values()))
                self.stdout.write(f"  - {reason['message']}" + (f" [{'; '.join(extra)}]" if extra else ""))
