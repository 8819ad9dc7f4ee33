"""`jiugai quality JURISDICTION [--json]`: check every estate's data and the plan totals of a jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.accounts.models import Jurisdiction
from jiugai.inventory import selectors
from jiugai.inventory.models import Estate
from jiugai.inventory.services import jurisdiction_quality_check


class Command(BaseCommand):
    help = "Run the data-quality checks on every estate of a jurisdiction and compare stated plan totals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("jurisdiction", help="jurisdiction code, e.g. 640402")
        parser.add_argument("--today", help="the date to check build years against (default today)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"there is no jurisdiction with code {options['jurisdiction']!r}", returncode=2)
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError("--today must be YYYY-MM-DD", returncode=2) from exc
        summary = jurisdiction_quality_check(jurisdiction=jurisdiction, today=today)
        estates = Estate.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
        streets = [s.as_dict() for s in selectors.quality_by_street(estates)]
        plans = [c.as_dict() for c in selectors.plan_totals_checks(user=None, jurisdiction=jurisdiction, system=True)]
        if options["json"]:
            payload = {"summary": summary.as_dict(), "streets": streets, "plan_checks": plans}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(
            f"{jurisdiction.code} {jurisdiction.name}: {summary.estates} estates, {summary.with_errors} with errors, "
            f"{summary.with_warnings} with warnings, {summary.clean} clean"
        )
        for code, n in summary.issues.items():
            self.stdout.write(f"  {code}: {n}")
        for check in plans:
            self.stdout.write(f"{check['subject']} ({check['kind']}): {check['outcome']}")
            for reason in check["reasons"]:
                self.stdout.write(f"  - {reason['message']}")
