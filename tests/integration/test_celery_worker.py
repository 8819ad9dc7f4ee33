"""A real Celery worker on Redis runs the project's tasks against the test database.

Runs in the PostgreSQL pass: the worker is a separate process, so it can only see data that the test
has committed (hence `transaction=True`) in a database it can open by URL. SQLite's in-memory test
database is invisible to another process, so on SQLite this test fails with a clear message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection

from jiugai.core.audit import audit_entry_append

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_TIMEOUT = 60
RESULT_TIMEOUT = 60


def _database_url() -> str:
    """The URL of the database this test is using, for the worker (pytest-django's test_<name>)."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "The Celery worker test needs PostgreSQL (a worker process cannot see SQLite's in-memory test "
            "database): run it with DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiugai",
            pytrace=False,
        )
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"The Celery worker test needs Redis at {REDIS_URL}: {exc}", pytrace=False)


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Celery, str]]:
    """A worker subprocess on its own queue, shared by this module's tests; stops it cleanly at the end.

    Yields a client app and the queue name. `django_db_setup` has created the test database, so the
    connection settings already name it.
    """
    _require_redis()
    queue = f"jiugai-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiugai.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable, "-m", "celery", "-A", "jiugai", "worker",
        "--pool=solo", "--concurrency=1", "--queues", queue, "--hostname", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    client = Celery("jiugai-test-client", broker=REDIS_URL, backend=REDIS_URL)
    client.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None:
                pytest.fail(f"the worker exited with {process.returncode}:\n{log_path.read_text()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"the worker was not ready in {START_TIMEOUT}s:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
        yield client, queue
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task, then exit
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        client.close()
    output = log_path.read_text(errors="replace")
    assert process.returncode == 0, f"the worker did not stop cleanly ({process.returncode}):\n{output}"


def test_worker_runs_ping_and_audit_verify(worker: tuple[Celery, str]) -> None:
    client, queue = worker
    for i in range(3):
        audit_entry_append(action="test.worker", payload={"n": i})

    assert client.send_task("jiugai.core.ping", queue=queue).get(timeout=RESULT_TIMEOUT) == "pong"
    report = client.send_task("jiugai.core.audit_verify", queue=queue).get(timeout=RESULT_TIMEOUT)
    assert report == {"ok": True, "checked": 3, "problems": []}


def test_project_app_sends_to_a_real_worker(worker: tuple[Celery, str]) -> None:
    """The project's own app, pointed at the broker, routes `.delay()`-style calls to the worker."""
    from jiugai.celery import app
    from jiugai.core.tasks import audit_verify_task

    _client, queue = worker
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    try:
        audit_entry_append(action="test.worker")
        result = audit_verify_task.apply_async(queue=queue)
        assert result.get(timeout=RESULT_TIMEOUT) == {"ok": True, "checked": 1, "problems": []}
    finally:
        app.conf.update(saved)
