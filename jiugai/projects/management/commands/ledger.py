"""`jiugai ledger [--jurisdiction CODE] [--overdue] [--stage STAGE] [--year YEAR] [--closed yes|no] [--json]`: the
project ledger (台账, registration and close-out 登记销号; Jiyuan 000, seeds/000_f9b901b302fa6203.txt) from the
command line, with the overdue flags the pages show (Guyuan 003: every project started by 15 March).

Without `--user` it acts for the office that runs the server (every project, or the subtree of `--jurisdiction`);
with `--user NAME` it shows what that user may see."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from jiugai.accounts.models import Jurisdiction
from jiugai.projects.choices import Stage
from jiugai.projects.selectors.progress import ledger_filters, ledger_row, ledger_rows, ledger_rows_for


class Command(BaseCommand):
    help = "Print the project ledger: registration, stage, percent complete, last report, close-out, overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jurisdiction", help="Only projects under this jurisdiction code")
        parser.add_argument("--overdue", action="store_true", help="Only projects behind a deadline")
        parser.add_argument("--stage", choices=Stage.values, help="Only projects at this stage")
        parser.add_argument("--year", type=int, help="Only projects of this plan year")
        parser.add_argument("--closed", choices=["yes", "no"], help="Closed out (yes) or not yet (no)")
        parser.add_argument("--search", default="", help="Search code, name or estate")
        parser.add_argument("--user", help="Show what this user may see")
        parser.add_argument("--limit", type=int, default=0, help="At most this many rows (0: all)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="Judge deadlines on this day")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        params = {
            "q": options["search"],
            "stage": options["stage"] or "",
            "year": options["year"],
            "overdue": options["overdue"],
            "closed": options["closed"],
        }
        node = None
        if options["jurisdiction"]:
            node = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
            if node is None:
                raise CommandError(f"Unknown jurisdiction: {options['jurisdiction']}")
        today = options["today"]
        try:
            if options["user"]:
                user = get_user_model().objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"Unknown user: {options['user']}")
                filters = ledger_filters({**params, "street": node}, user=user)
                rows = ledger_rows(user=user, filters=filters, today=today)
            else:
                filters = ledger_filters(params)
                rows = ledger_rows_for(jurisdiction=node, filters=filters, today=today)
        except ValidationError as exc:
            raise CommandError("; ".join(str(m) for m in exc.messages)) from exc
        if options["limit"] > 0:
            rows = rows[: options["limit"]]
        lines = [ledger_row(project, today) for project in rows.iterator(chunk_size=2000)]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "jurisdiction": node.code if node else None,
                        "filters": {**filters.as_params(), **({"street": node.code} if node else {})},
                        "count": len(lines),
                        "projects": lines,
                    },
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for line in lines:
            flags = "；".join(f["message"] for f in line["overdue"])
            self.stdout.write(
                "\t".join(
                    str(v)
                    for v in (
                        line["code"],
                        line["name"],
                        line["street"],
                        line["stage_label"],
                        line["registered_on"],
                        line["started_on"] or "—",
                        line["closed_on"] or "—",
                        f"{line['percent_complete']}%",
                        line["last_report_on"] or "—",
                        f"! {flags}" if flags else "",
                    )
                ).rstrip()
            )
        self.stdout.write(f"{len(lines)} projects")
