"""Load the demo data set (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiugai.demo.services import DemoReport, demo_load, demo_password


def print_consultation(command: BaseCommand, report: DemoReport, base_url: str = "http://127.0.0.1:8000") -> None:
    demo = report.consultation
    if demo is None:
        return
    write = command.stdout.write
    write(f"\n  Consultation demo — {demo.estate}, log in as {demo.staff_username}:")
    write(
        f"    consent campaign ({demo.consent_status}): {base_url}/consultation/{demo.consent_campaign_id}/"
        f"  — {demo.consent_summary}"
    )
    write(
        f"    elevator campaign, Art. 278 ({demo.elevator_status}, {demo.elevator_scope}): "
        f"{base_url}/consultation/{demo.elevator_campaign_id}/"
    )
    if demo.links:
        write(
            "    example ballot links (demo data only; open on a phone, enter the code and the phone's last 4 digits):"
        )
        for link in demo.links:
            write(f"      {link.household}: {base_url}{link.path}  code {link.short_code}  last 4 {link.phone_last4}")
    if demo.links_note:
        write(f"    {demo.links_note}")
    write("")


def print_planning_and_funding(
    command: BaseCommand, report: DemoReport, base_url: str = "http://127.0.0.1:8000"
) -> None:
    write = command.stdout.write
    plan = report.planning.plan if report.planning else None
    if plan is not None:
        write(f"  Planning demo — {plan.title}, log in as guyuan_office: {base_url}/planning/plans/{plan.pk}/")
    funding = report.funding
    if funding is None:
        return
    write(
        f"  Funding demo — {funding.jiyuan_estate} (Jiyuan) and {funding.zhanhe_estate} (Zhanhe): {base_url}/funding/"
    )
    if funding.links:
        write("    ballot links that show each household's own cost share (code, then the phone's last 4 digits):")
        for household, path, code, digits in funding.links:
            write(f"      {household}: {base_url}{path}  code {code}  last 4 {digits}")
    write("")


def print_projects(command: BaseCommand, report: DemoReport, base_url: str = "http://127.0.0.1:8000") -> None:
    """Where to see the project demo: the project handed over, its public page, the one to drive, the ledger."""
    demo = report.projects
    if demo is None or demo.showcase is None:
        return
    write = command.stdout.write
    write(f"  Projects demo — Guyuan 2022, log in as {demo.street_username} (street office) or guyuan_office:")
    write(f"    handed over, every gate met:   {base_url}/projects/{demo.showcase.pk}/")
    write(f"    its public page (no login):    {base_url}/p/{demo.showcase.public_id}/")
    if demo.for_browser is not None:
        write(f"    drive it through its gates:    {base_url}/projects/{demo.for_browser.pk}/")
    write(f"    ledger (overdue starts after 15 March: {len(demo.overdue)}): {base_url}/projects/ledger/?overdue=on")
    write("    acceptance signers: guyuan_office, guyuan_street, guyuan_owners, guyuan_builder, guyuan_designer,")
    write("    guyuan_supervisor")
    write("")


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
        print_consultation(self, report)
        print_planning_and_funding(self, report)
        print_projects(self, report)
