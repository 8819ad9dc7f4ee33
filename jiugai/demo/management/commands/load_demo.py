"""Load the demo data set (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiugai.demo.services import DemoReport, demo_load, demo_password


def print_logins(command: BaseCommand, report: DemoReport) -> None:
    rows = [("username", "role", "jurisdiction"), *report.logins]
    widths = [max(len(str(r[i])) for r in rows) for i in range(2)]
    command.stdout.write("")
    for username, role, jurisdiction in rows:
        command.stdout.write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {jurisdiction}")
    command.stdout.write(
        f"\n  + {report.other_accounts} organisation accounts (departments, street offices, communities, utilities)"
    )
    command.stdout.write(f"  Password for every demo account: {demo_password()} (set DEMO_PASSWORD to change it)\n")


class Command(BaseCommand):
    help = "Load the demo jurisdictions, policy profiles, accounts and estates (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = demo_load()
        created = ", ".join(f"{k} {v}" for k, v in sorted(report.created.items())) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created}."))
        print_logins(self, report)
