"""`jiugai audit verify [--json]`: recompute the audit hash chain; exit 1 when it is broken."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.core.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks every entry's hash and link; exit status 1 when the chain is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify: check the hash chain")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif report.ok:
            self.stdout.write(f"OK: {report.checked} entries")
        else:
            self.stdout.write(f"BROKEN: {len(report.problems)} problem(s) in {report.checked} entries")
            for problem in report.problems:
                self.stdout.write(f"  #{problem['seq']} {problem['problem']}: {problem['detail']}")
        if not report.ok:
            raise CommandError(f"the audit chain is broken ({len(report.problems)} problem(s))", returncode=1)
