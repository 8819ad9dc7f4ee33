"""`jiugai policy show CODE [--date YYYY-MM-DD] [--json]`: the parameters in force, each with its source."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from jiugai.accounts.selectors import jurisdiction_get
from jiugai.policy.selectors import effective_policy
from jiugai.rules.decision import source_text, to_jsonable
from jiugai.rules.params import SPECS, ParameterError
from jiugai.rules.policy import Policy


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not '{text}'", returncode=2) from exc


def policy_rows(policy: Policy) -> list[dict[str, Any]]:
    """One row per parameter in force, in catalogue order, JSON-safe."""
    order = {key: index for index, key in enumerate(SPECS)}
    rows = []
    for key in sorted(policy.values, key=lambda k: (order.get(k, len(order)), k)):
        item = policy.values[key]
        spec = SPECS.get(key)
        rows.append(
            {
                "key": key,
                "value": to_jsonable(item.value),
                "unit": spec.unit if spec else "",
                "label": spec.label if spec else "",
                "jurisdiction": item.jurisdiction_code,
                "jurisdiction_name": item.jurisdiction_name,
                "version": item.version,
                "effective_from": item.effective_from.isoformat(),
                "source": to_jsonable(vars(item.source)),
            }
        )
    return rows


class Command(BaseCommand):
    help = "Policy profiles. 'show CODE' prints the parameters in force for a jurisdiction, with their sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show"], help="show: the effective parameters")
        parser.add_argument("code", help="jurisdiction code")
        parser.add_argument("--date", help="the date asked about (YYYY-MM-DD; default today)")
        parser.add_argument("--json", action="store_true", help="print as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["date"]) if options.get("date") else timezone.localdate()
        code: str = options["code"]
        try:
            jurisdiction = jurisdiction_get(code=code)
        except Http404 as exc:
            raise CommandError(f"there is no jurisdiction with code '{code}'", returncode=2) from exc
        try:
            policy = effective_policy(jurisdiction=jurisdiction, on=on)
        except ParameterError as exc:
            raise CommandError(f"the stored policy of '{code}' has a bad value: {exc}", returncode=2) from exc
        rows = policy_rows(policy)
        if options["json"]:
            payload = {
                "jurisdiction": jurisdiction.code,
                "jurisdiction_name": jurisdiction.name,
                "date": on.isoformat(),
                "parameters": rows,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{jurisdiction.name} ({jurisdiction.code}) — policy in force on {on.isoformat()}")
        if not rows:
            self.stdout.write("  no parameters are configured")
            return
        for row in rows:
            value = row["value"]
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            unit = f" {row['unit']}" if row["unit"] else ""
            self.stdout.write(f"  {row['key']} = {value}{unit}")
            origin = (
                f"{row['jurisdiction_name']} ({row['jurisdiction']}) v{row['version']} from {row['effective_from']}"
            )
            self.stdout.write(f"      {origin}")
            item = policy.values[row["key"]]
            source = source_text(dataclasses.replace(item.source, jurisdiction=""))
            if source:
                self.stdout.write(f"      source: {source}")
