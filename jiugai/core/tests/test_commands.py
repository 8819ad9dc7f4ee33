"""The `decide`, `audit` and `serve` management commands (also reachable as `jiugai X`).

Scenarios that read a jurisdiction's profile from the database are tested in jiugai/policy/tests,
next to the policy app that `decide` lives in.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from jiugai.core.audit import audit_entry_append
from jiugai.core.models import AuditEntry
from jiugai.rules.registry import RULES

EXAMPLES = sorted((Path(settings.BASE_DIR) / "docs" / "examples").glob("*.json"))


def run(*args: Any, **options: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def write(tmp_path: Path, scenario: Any, name: str = "scenario.json") -> str:
    path = tmp_path / name
    path.write_text(scenario if isinstance(scenario, str) else json.dumps(scenario), encoding="utf-8")
    return str(path)


CONSENT = {
    "policy": {"consent.share_of_all_households": "2/3"},
    "input": {"agreeing_households": 20, "total_owner_households": 30},
}


# --- decide ------------------------------------------------------------------------------------


def test_decide_prints_outcome_and_reasons(tmp_path: Path) -> None:
    with translation.override("en"):
        out = run("decide", "consent", input=write(tmp_path, CONSENT))
    assert "Outcome: passed" in out
    assert "parameter consent.share_of_all_households = 2/3" in out
    assert "count 20 of 30" in out
    assert "20 of 30 owner households agree (2/3), at least the required 2/3" in out


def test_decide_prints_reasons_in_the_active_language(tmp_path: Path) -> None:
    with translation.override("zh-hans"):
        out = run("decide", "consent", input=write(tmp_path, CONSENT))
    assert "结果：passed" in out
    assert "30 户业主中 20 户同意（2/3），达到业主总户数 2/3 的要求（须 20 户同意）" in out
    assert "计数 20 / 30" in out


def test_decide_json(tmp_path: Path) -> None:
    out = run("decide", "consent", "--json", "--input", write(tmp_path, CONSENT))
    data = json.loads(out)
    assert data["rule"] == "consent" and data["outcome"] == "passed"
    reason = data["reasons"][0]
    assert reason["parameter"] == "consent.share_of_all_households"
    assert (reason["value"], reason["threshold"], reason["numerator"], reason["denominator"]) == ("2/3", "2/3", 20, 30)
    assert reason["source"]["title"] == "scenario"


def test_decide_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(CONSENT)))
    with translation.override("en"):
        assert "Outcome: passed" in run("decide", "consent", input="-")


def test_decide_keeps_decimal_numbers_exact(tmp_path: Path) -> None:
    scenario = (
        '{"policy": {"funding.property_subsidy_rate": 0.15, "funding.property_subsidy_months": 36},'
        ' "input": {"area_m2": 1000.10}}'
    )
    data = json.loads(run("decide", "property_subsidy", "--json", input=write(tmp_path, scenario)))
    assert data["figures"]["total_yuan"] == "5400.54"


@pytest.mark.parametrize(
    ("rule", "content", "message"),
    [
        ("nope", CONSENT, "unknown rule 'nope'; known rules: art278"),
        ("consent", "{not json", "not valid JSON"),
        ("consent", {"policy": {}, "input": {}}, "agreeing_households is required"),
        ("consent", {"policy": {"consent.share_of_all_households": "3/2"}, "input": {}}, "policy.consent"),
        ("consent", [1, 2], "JSON object"),
        ("art278", {"policy": {}, "input": {"matter": "rebuild", "owners": [["a", "-1", "yes"]]}}, "more than zero"),
        ("eligibility", {"policy": {}, "input": {"build_year": 1990}}, "not configured"),
    ],
)
def test_decide_errors_exit_2(tmp_path: Path, rule: str, content: Any, message: str) -> None:
    with translation.override("en"), pytest.raises(CommandError, match=message) as info:
        run("decide", rule, input=write(tmp_path, content))
    assert info.value.returncode == 2


def test_decide_missing_file() -> None:
    with pytest.raises(CommandError, match="cannot read") as info:
        run("decide", "consent", input="/nonexistent/scenario.json")
    assert info.value.returncode == 2


def test_decide_from_the_command_line_exits_2_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiugai.settings.test"}
    bad = write(tmp_path, {"policy": {}, "input": {}})
    result = subprocess.run(
        [sys.executable, "-m", "jiugai.cli", "decide", "consent", "--input", bad],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 2
    assert "agreeing_households is required" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_documented_example_runs(path: Path) -> None:
    rule = path.name.split(".")[0]
    assert rule in RULES, f"{path.name} must start with a rule name"
    data = json.loads(run("decide", rule, "--json", input=str(path)))
    assert data["rule"] == rule
    assert data["reasons"]


def test_examples_cover_every_rule() -> None:
    assert {p.name.split(".")[0] for p in EXAMPLES} == set(RULES)


# --- audit verify ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_verify_ok() -> None:
    for n in range(3):
        audit_entry_append(action="test.act", payload={"n": n})
    assert run("audit", "verify").strip() == "OK: 3 entries"
    data = json.loads(run("audit", "verify", "--json"))
    assert data == {"ok": True, "checked": 3, "problems": []}


@pytest.mark.django_db
def test_audit_verify_empty_chain() -> None:
    assert run("audit", "verify").strip() == "OK: 0 entries"


@pytest.mark.django_db
def test_audit_verify_reports_tampering_and_exits_1() -> None:
    entries = [audit_entry_append(action="test.act", payload={"n": n}) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET payload = %s WHERE seq = %s",
            [json.dumps({"n": 99}), entries[1].seq],
        )
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify", stdout=out)
    assert info.value.returncode == 1
    assert "#2 altered" in out.getvalue()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["ok"] is False
    assert {"seq": 2, "problem": "altered"}.items() <= data["problems"][0].items()


def test_audit_unknown_action() -> None:
    with pytest.raises(CommandError):
        run("audit", "repair")


# --- serve -------------------------------------------------------------------------------------


def test_serve_uses_runserver_without_reloader_when_debug(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    from jiugai.core.management.commands import serve

    settings.DEBUG = True
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append((a, k)))
    run("serve", "--port", "8123", "--host", "0.0.0.0")  # noqa: S104 - not bound, only passed on
    assert calls == [(("runserver", "0.0.0.0:8123"), {"use_reloader": False})]


def test_serve_uses_gunicorn_when_not_debug(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    from jiugai.core.management.commands import serve

    settings.DEBUG = False
    calls: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: calls.append((path, argv)))
    out = run("serve", "--port", "9000")
    assert "gunicorn" in out
    path, argv = calls[0]
    assert argv[0] == path
    assert argv[-5:] == ["jiugai.wsgi", "--bind", "127.0.0.1:9000", "--workers", "2"]


def test_serve_rejects_a_bad_port() -> None:
    with pytest.raises(CommandError, match="port") as info:
        run("serve", "--port", "70000")
    assert info.value.returncode == 2
