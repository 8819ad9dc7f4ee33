"""`jiugai project advance CODE STAGE --user NAME [--reason …] [--on YYYY-MM-DD]` and `jiugai project show CODE`:
move a project through its stages from the command line, with the same gates and audit as the pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiugai.projects.choices import Stage
from jiugai.projects.models import Project
from jiugai.projects.selectors.project import project_next_steps, project_overdue
from jiugai.projects.services.project import project_advance


class Command(BaseCommand):
    help = "Show a project's next steps, or advance it to a stage (every gate must be met)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="The project's stage, overdue flags and what blocks each next step")
        show.add_argument("code")
        show.add_argument("--user", required=True, help="Act as this user (their role decides what they may do)")
        show.add_argument("--json", action="store_true")
        advance = sub.add_parser("advance", help="Move the project to STAGE")
        advance.add_argument("code")
        advance.add_argument("stage", choices=Stage.values)
        advance.add_argument("--user", required=True)
        advance.add_argument("--reason", default="")
        advance.add_argument("--on", type=dt.date.fromisoformat, default=None, help="Date the stage was entered")
        advance.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Unknown user: {options['user']}")
        project = Project.objects.filter(code=options["code"]).first()
        if project is None:
            raise CommandError(f"Unknown project: {options['code']}")
        if options["action"] == "advance":
            try:
                project_advance(
                    actor=user, project=project, target=options["stage"], reason=options["reason"], on=options["on"]
                )
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise CommandError("; ".join(str(m) for m in messages)) from exc
            project.refresh_from_db()
        steps = project_next_steps(project=project, actor=user)
        result: dict[str, Any] = {
            "code": project.code,
            "stage": project.stage,
            "overdue": [f.message for f in project_overdue(project)],
            "next": [{"target": s["target"], "blockers": [str(b) for b in s["blockers"]]} for s in steps],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{project.code} {project.name}: {Stage(project.stage).label}")
        for flag in result["overdue"]:
            self.stdout.write(f"  ! {flag}")
        for step in result["next"]:
            state = "; ".join(step["blockers"]) or "open"
            self.stdout.write(f"  → {step['target']}: {state}")
