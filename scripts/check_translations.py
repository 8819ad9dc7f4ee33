#!/usr/bin/env python3
"""Fail when the committed Chinese catalogue is not complete.

Runs `makemessages -l zh_Hans` on a scratch copy of the source tree (the working tree is never
touched) and compares the messages it extracts with the committed `locale/zh_Hans/LC_MESSAGES/*.po`:

* a message in the code but not in the committed catalogue        → "new"
* a message in the committed catalogue no longer in the code       → "stale"
* a committed message with an empty or fuzzy translation           → "untranslated" / "fuzzy"
* a committed `.mo` that does not match its `.po`                  → "stale .mo"

Source references (`#: file:line`), the POT-Creation-Date header and wrapping are ignored, so the
check only fails on a real difference. Needs GNU gettext (xgettext, msgmerge, msgfmt).
"""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
DOMAINS = ("django", "djangojs")
SKIP_DIRS = {".git", ".venv", "node_modules", "var", "test-artifacts", "__pycache__", ".mypy_cache", ".ruff_cache"}


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def _unquote(line: str) -> str:
    return str(ast.literal_eval(line.strip()))


def parse_po(path: Path) -> dict[tuple[str | None, str, str | None], Entry]:
    """A small .po reader: contexts, plurals, multi-line strings and flags; obsolete (#~) entries skipped."""
    entries: dict[tuple[str | None, str, str | None], Entry] = {}
    current = Entry()
    target: tuple[str, int] | None = None
    seen_msgid = False

    def flush() -> None:
        nonlocal current, seen_msgid, target
        if seen_msgid and current.msgid != "":
            entries[current.key] = current
        current, seen_msgid, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if seen_msgid:
                flush()
            current.fuzzy = "fuzzy" in [flag.strip() for flag in line[2:].split(",")]
            continue
        if line.startswith("#"):
            if seen_msgid and target is not None and target[0] == "msgstr":
                flush()
            continue
        if line.startswith("msgctxt "):
            if seen_msgid:
                flush()
            current.msgctxt = _unquote(line[len("msgctxt ") :])
            target = ("msgctxt", 0)
        elif line.startswith("msgid_plural "):
            current.msgid_plural = _unquote(line[len("msgid_plural ") :])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            if seen_msgid:
                flush()
            current.msgid = _unquote(line[len("msgid ") :])
            seen_msgid = True
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[len("msgstr[") : line.index("]")])
            current.msgstr[index] = _unquote(line[line.index("]") + 1 :])
            target = ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0] = _unquote(line[len("msgstr ") :])
            target = ("msgstr", 0)
        elif line.startswith('"') and target is not None:
            text = _unquote(line)
            kind, index = target
            if kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + text
            elif kind == "msgid":
                current.msgid += text
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + text
            else:
                current.msgstr[index] = current.msgstr.get(index, "") + text
    flush()
    return entries


def _copy_sources(dest: Path) -> None:
    """Copy what makemessages reads: manage.py, the package and the locale folder (no virtualenv)."""
    shutil.copy2(ROOT / "manage.py", dest / "manage.py")

    def ignore(directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP_DIRS or n.endswith((".pyc", ".mo"))}

    shutil.copytree(ROOT / "jiugai", dest / "jiugai", ignore=ignore)
    if (ROOT / "locale").is_dir():
        shutil.copytree(ROOT / "locale", dest / "locale", ignore=ignore)
    else:
        (dest / "locale").mkdir()


def _describe(key: tuple[str | None, str, str | None]) -> str:
    ctxt, msgid, plural = key
    text = repr(msgid) + (f" / plural {plural!r}" if plural else "")
    return f"[{ctxt}] {text}" if ctxt else text


def _check_mo(po_path: Path, problems: list[str]) -> None:
    mo_path = po_path.with_suffix(".mo")
    rel = mo_path.relative_to(ROOT)
    if not mo_path.exists():
        problems.append(f"missing {rel}: run `uv run python manage.py compilemessages`")
        return
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.mo"
        subprocess.run(["msgfmt", "-o", str(fresh), str(po_path)], check=True)
        with fresh.open("rb") as a, mo_path.open("rb") as b:
            expected = gettext.GNUTranslations(a)._catalog  # type: ignore[attr-defined]
            committed = gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
    if {k: v for k, v in expected.items() if k} != {k: v for k, v in committed.items() if k}:
        problems.append(f"stale {rel}: it does not match its .po; run `uv run python manage.py compilemessages`")


def main() -> int:
    for tool in ("xgettext", "msgmerge", "msgfmt"):
        if shutil.which(tool) is None:
            print(f"check_translations: {tool} is missing; install GNU gettext (apt-get install -y gettext)")
            return 2
    committed_dir = ROOT / "locale" / LOCALE / "LC_MESSAGES"
    if not (committed_dir / "django.po").exists():
        print(f"check_translations: {committed_dir.relative_to(ROOT)}/django.po is missing")
        return 1
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="jiugai-i18n-") as tmp:
        work = Path(tmp)
        _copy_sources(work)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jiugai.settings.test",
            "JIUGAI_VAR_DIR": str(work / "var"),
            "PYTHONPATH": str(work),
        }
        for domain in DOMAINS:
            if domain == "djangojs" and not (committed_dir / "djangojs.po").exists():
                continue
            args = [sys.executable, "manage.py", "makemessages", "-l", LOCALE, "-d", domain, "--no-obsolete"]
            if domain == "djangojs":
                args += ["--ignore", "jiugai/static/vendor/*"]
            result = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                print(result.stdout + result.stderr)
                print(f"check_translations: makemessages failed for domain {domain}")
                return 1
            fresh_path = work / "locale" / LOCALE / "LC_MESSAGES" / f"{domain}.po"
            committed_path = committed_dir / f"{domain}.po"
            fresh = parse_po(fresh_path)
            committed = parse_po(committed_path)
            rel = committed_path.relative_to(ROOT)
            for key in sorted(set(fresh) - set(committed), key=str):
                problems.append(f"new in the code, missing from {rel}: {_describe(key)}")
            for key in sorted(set(committed) - set(fresh), key=str):
                problems.append(f"stale in {rel} (no longer in the code): {_describe(key)}")
            for key, entry in sorted(committed.items(), key=lambda item: str(item[0])):
                if key not in fresh:
                    continue
                if entry.fuzzy:
                    problems.append(f"fuzzy in {rel}: {_describe(key)}")
                elif not entry.msgstr or any(not text for text in entry.msgstr.values()):
                    problems.append(f"untranslated in {rel}: {_describe(key)}")
            _check_mo(committed_path, problems)
    if problems:
        for problem in problems:
            print(f"check_translations: {problem}")
        print(
            f"check_translations: {len(problems)} problem(s). Run `uv run python manage.py makemessages -l {LOCALE}`, "
            "translate every new entry, clear fuzzy flags, then `uv run python manage.py compilemessages`."
        )
        return 1
    print(f"check_translations: locale/{LOCALE} is complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
