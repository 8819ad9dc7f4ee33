#!/usr/bin/env python3
"""Check that everything the full test run needs is present, and fail loudly when it is not.

The suite runs on SQLite and on PostgreSQL, drives Debian Chromium and a real Celery worker on Redis.
A missing service is a failed run with a clear message, never a silently skipped test.

Usage: preflight.py [--need postgres,redis,chromium,gettext]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from urllib.parse import urlparse

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/jiugai")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HINTS = {
    "postgres": "start PostgreSQL on {where} (trust auth for user postgres) or set TEST_POSTGRES_URL",
    "redis": "start Redis on {where} or set TEST_REDIS_URL",
    "chromium": "install it with `apt-get install -y chromium` (Debian) or set CHROMIUM_PATH",
    "gettext": "install it with `apt-get install -y gettext`",
    "fonts": "install it with `apt-get install -y fonts-noto-cjk`",
}


def _port_open(url: str, default_port: int) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} ({exc.__class__.__name__}: {exc})"


def check_postgres() -> tuple[bool, str]:
    ok, where = _port_open(PG_URL, 5432)
    if not ok:
        return False, where
    try:
        import psycopg

        parsed = urlparse(PG_URL)
        with psycopg.connect(
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname="postgres",
            connect_timeout=5,
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()
        return True, f"{where}, server {version[0] if version else '?'}"
    except Exception as exc:  # noqa: BLE001 - any failure is reported as is
        return False, f"{where} accepts connections but login failed: {exc}"


def check_redis() -> tuple[bool, str]:
    ok, where = _port_open(REDIS_URL, 6379)
    if not ok:
        return False, where
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
        client.ping()
        return True, where
    except Exception as exc:  # noqa: BLE001
        return False, f"{where} did not answer PING: {exc}"


def check_chromium() -> tuple[bool, str]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return False, f"{CHROMIUM} is missing or not executable"
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{CHROMIUM} --version failed: {exc}"
    return out.returncode == 0, (out.stdout or out.stderr).strip()


def check_gettext() -> tuple[bool, str]:
    missing = [tool for tool in ("xgettext", "msgmerge", "msgfmt") if shutil.which(tool) is None]
    return (not missing), ("missing " + ", ".join(missing)) if missing else "xgettext, msgmerge, msgfmt"


def check_fonts() -> tuple[bool, str]:
    if shutil.which("fc-list") is None:
        return False, "fontconfig (fc-list) is missing"
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return ("Noto" in out), "Noto CJK found" if "Noto" in out else "no Noto CJK font"


CHECKS = {
    "postgres": check_postgres,
    "redis": check_redis,
    "chromium": check_chromium,
    "gettext": check_gettext,
    "fonts": check_fonts,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--need", default="postgres,redis,chromium,gettext")
    args = parser.parse_args()
    failed = []
    for name in [n.strip() for n in args.need.split(",") if n.strip()]:
        ok, detail = CHECKS[name]()
        print(f"preflight: {name:<9} {'ok     ' if ok else 'MISSING'} {detail}")
        if not ok:
            failed.append(name)
    if failed:
        print("", file=sys.stderr)
        for name in failed:
            where = PG_URL if name == "postgres" else REDIS_URL if name == "redis" else ""
            print(
                f"preflight FAILED: {name} is required by the test suite; " + HINTS[name].format(where=where),
                file=sys.stderr,
            )
        if os.environ.get("CI"):
            print("preflight: CI=true, so nothing is skipped; fix the machine and run again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
