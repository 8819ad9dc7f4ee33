"""Shared pytest fixtures: a small jurisdiction tree with two streets and a user per role that matters.

Tests that need PostgreSQL, Redis or Chromium fail (never skip) when the service is missing;
`scripts/preflight.py` checks all three before `make test` starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Slow shared CI machines must not turn property tests into flaky deadline failures.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

TEST_PASSWORD = "correct-horse-battery-staple"


@dataclass
class Tree:
    """City → district → two streets, each with one community."""

    city: Any
    district: Any
    street_a: Any
    street_b: Any
    community_a: Any
    community_b: Any


@pytest.fixture
def tree(db: None) -> Tree:
    from jiugai.accounts.choices import Level
    from jiugai.accounts.services import jurisdiction_create

    city = jurisdiction_create(code="T31", name="测试市", level=Level.CITY)
    district = jurisdiction_create(code="T3101", name="测试区", level=Level.DISTRICT, parent=city)
    street_a = jurisdiction_create(code="T310101", name="东街道", level=Level.STREET, parent=district)
    street_b = jurisdiction_create(code="T310102", name="西街道", level=Level.STREET, parent=district)
    community_a = jurisdiction_create(code="T31010101", name="东一社区", level=Level.COMMUNITY, parent=street_a)
    community_b = jurisdiction_create(code="T31010201", name="西一社区", level=Level.COMMUNITY, parent=street_b)
    return Tree(city, district, street_a, street_b, community_a, community_b)


@pytest.fixture
def make_user(db: None):
    """`make_user(username, role, jurisdiction, **extra)` with the shared test password."""
    from jiugai.accounts.services import user_create

    def _make(username: str, role: str, jurisdiction: Any = None, **extra: Any) -> Any:
        return user_create(username=username, password=TEST_PASSWORD, role=role, jurisdiction=jurisdiction, **extra)

    return _make


@pytest.fixture
def make_estate(db: None):
    """`make_estate(name, community_or_street, street)`: a bare estate, written directly (no service yet)."""
    from jiugai.inventory.models import Estate

    counter = {"n": 0}

    def _make(name: str, jurisdiction: Any, street: Any | None = None, **fields: Any) -> Any:
        counter["n"] += 1
        estate = Estate(
            code=fields.pop("code", f"E-{jurisdiction.code}-{counter['n']}"),
            name=name,
            jurisdiction=jurisdiction,
            street=street or jurisdiction,
            **fields,
        )
        estate.full_clean()
        estate.save()
        return estate

    return _make


@pytest.fixture
def street_users(tree: Tree, make_user) -> dict[str, Any]:
    from jiugai.accounts.choices import Role

    return {
        "admin": make_user("admin", Role.PLATFORM_ADMIN, None),
        "office": make_user("lgo", Role.LEADING_GROUP_OFFICE, tree.city),
        "east": make_user("east", Role.STREET_OFFICE, tree.street_a),
        "west": make_user("west", Role.STREET_OFFICE, tree.street_b),
    }


@pytest.fixture(autouse=True)
def _data_migration_rows(request: pytest.FixtureRequest) -> None:
    """Put back the rows data migrations seed (the national renovation catalogue) when an earlier
    transactional test on the same database flushed them, so test order never decides an outcome."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from jiugai.planning.services import catalogue_national_ensure

    catalogue_national_ensure()
