"""One command for a working demo: migrate, load the demo data, print the logins, serve."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from jiugai.demo.services import demo_load

from .load_demo import print_consultation, print_logins, print_planning_and_funding, print_projects


class Command(BaseCommand):
    help = "Migrate, load the demo data and serve it on http://127.0.0.1:8000/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Stop after loading (for tests and scripts).")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        report = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        print_logins(self, report)
        print_consultation(self, report, base_url=f"http://{options['addrport']}")
        print_planning_and_funding(self, report, base_url=f"http://{options['addrport']}")
        print_projects(self, report, base_url=f"http://{options['addrport']}")
        if options["no_serve"]:
            return
        # Static files come from the finders in development (WhiteNoise), so no collectstatic here.
        call_command("runserver", options["addrport"], use_reloader=False)
