"""`jiugai import_inventory KIND FILE --jurisdiction CODE [--commit] [--json]`: import a workbook.

Without --commit the file is only checked and the preview is printed (nothing is written). With
--commit a file without errors is written, all or nothing. Exit status 1 when the file has errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.accounts.models import Jurisdiction

from ...choices import ImportKind, ImportStatus
from ...imports.commit import KEEP, MERGE, file_from_bytes, import_job_create, import_job_process


class Command(BaseCommand):
    help = "Check (and with --commit, write) an estates, buildings, households or survey workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(ImportKind.values), help="what the workbook holds")
        parser.add_argument("file", help=".xlsx, .xls or .csv file")
        parser.add_argument("--jurisdiction", required=True, help="code of the jurisdiction to import into")
        parser.add_argument("--commit", action="store_true", help="write the rows when the file has no errors")
        parser.add_argument(
            "--merge",
            action="append",
            default=[],
            metavar="CODE",
            help="merge the near-duplicate estate CODE into the estate it resembles (repeatable; default: keep both)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=2)
        try:
            jurisdiction = Jurisdiction.objects.get(code=options["jurisdiction"])
        except Jurisdiction.DoesNotExist as exc:
            raise CommandError(f"no jurisdiction with code {options['jurisdiction']}", returncode=2) from exc
        job = import_job_create(
            kind=options["kind"],
            file=file_from_bytes(path.read_bytes(), path.name),
            original_name=path.name,
            jurisdiction=jurisdiction,
        )
        resolutions = dict.fromkeys(options["merge"], MERGE)
        job = import_job_process(job=job, commit=options["commit"], resolutions=resolutions)
        report = {
            "job": job.pk,
            "status": job.status,
            "rows": job.total_rows,
            "counts": job.summary.get("written") or job.summary.get("counts", {}),
            "errors": job.errors,
            "error_count": job.summary.get("error_count", len(job.errors)),
            "warnings": [{**w, "decision": resolutions.get(w.get("source_code", ""), KEEP)} for w in job.warnings],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        else:
            self.stdout.write(f"{job.original_name}: {job.get_status_display()} ({job.total_rows} rows)")
            for kind, counts in report["counts"].items():
                self.stdout.write(f"  {kind}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            for problem in job.errors:
                where = " ".join(str(x) for x in (problem["sheet"], problem["row"] or "", problem["letter"]) if x)
                self.stdout.write(f"  ERROR {where} {problem['column']}: {problem['message']}")
            for problem in job.warnings:
                self.stdout.write(
                    f"  WARNING {problem['sheet']} {problem['row'] or ''} {problem['column']}: {problem['message']}"
                )
        if job.status == ImportStatus.INVALID:
            raise CommandError(f"{report['error_count']} error(s); nothing was written", returncode=1)
