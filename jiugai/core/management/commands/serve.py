"""`jiugai serve [--port 8000] [--host 127.0.0.1]`: serve the site.

With DEBUG on (the embedded default) this is Django's development server without the auto-reloader;
with DEBUG off it hands over to gunicorn (`gunicorn jiugai.wsgi`), which is what production runs.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def gunicorn_argv(*, host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line; the console script when installed, else `python -m gunicorn`."""
    executable = shutil.which("gunicorn")
    head = [executable] if executable else [sys.executable, "-m", "gunicorn"]
    return [*head, "jiugai.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers)]


class Command(BaseCommand):
    help = "Serve the site: the development server when DEBUG is on, gunicorn when it is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (DEBUG off)")
        parser.add_argument(
            "--server",
            choices=["auto", "runserver", "gunicorn"],
            default="auto",
            help="auto: runserver when DEBUG is on, gunicorn when off",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be 1-65535, not {port}", returncode=2)
        server: str = options["server"]
        if server == "auto":
            server = "runserver" if settings.DEBUG else "gunicorn"
        if server == "runserver":
            address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            call_command("runserver", address, use_reloader=False)
            return
        argv = gunicorn_argv(host=host, port=port, workers=options["workers"])
        self.stdout.write(f"Starting gunicorn on {host}:{port}")
        self.stdout.flush()
        # Replace this process so signals from a supervisor (systemd, a container runtime) reach gunicorn.
        os.execv(argv[0], argv)  # noqa: S606 - fixed argv, no shell involved
