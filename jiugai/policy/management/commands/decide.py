"""`jiugai decide RULE --input FILE.json [--json]`: run one pure rule on a JSON scenario and show its reasons.

It lives in the policy app because a scenario may name a jurisdiction whose profile is read from the
database (effective_policy); core sits below policy in the layer contract and may not import it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from jiugai.accounts.selectors import jurisdiction_get
from jiugai.policy.selectors import effective_policy
from jiugai.rules.decision import decision_lines
from jiugai.rules.params import ParameterError
from jiugai.rules.policy import Policy
from jiugai.rules.registry import RULES, ScenarioError, decide_scenario


def load_policy_from_database(code: str, on: dt.date | None) -> Policy:
    """The effective policy of a jurisdiction on a date (today when none is given)."""
    try:
        jurisdiction = jurisdiction_get(code=code)
    except Http404 as exc:
        raise ScenarioError(f"there is no jurisdiction with code '{code}'") from exc
    try:
        return effective_policy(jurisdiction=jurisdiction, on=on)
    except ParameterError as exc:
        raise ScenarioError(f"the stored policy of '{code}' has a bad value: {exc}") from exc


def read_scenario(path: str) -> Any:
    """Parse the scenario file ('-' for stdin); JSON numbers with a decimal point become exact Decimals."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}", returncode=2) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text", returncode=2) from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", returncode=2
        ) from exc


class Command(BaseCommand):
    help = "Run a policy rule on a JSON scenario and print the decision with its reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help=f"one of: {', '.join(sorted(RULES))}")
        parser.add_argument("--input", "-i", dest="input", required=True, help="scenario JSON file, or - for stdin")
        parser.add_argument("--json", action="store_true", help="print the decision as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rule: str = options["rule"]
        if rule not in RULES:
            raise CommandError(f"unknown rule '{rule}'; known rules: {', '.join(sorted(RULES))}", returncode=2)
        scenario = read_scenario(options["input"])
        try:
            decision = decide_scenario(rule, scenario, load_policy=load_policy_from_database)
        except ScenarioError as exc:
            raise CommandError(f"{rule}: {exc}", returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(decision.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(decision_lines(decision)))
