"""Role × action tables: `can` and `require`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from jiugai.accounts.choices import DepartmentType, Role
from jiugai.core.permissions import ALL_ROLES, can, register, require, table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _table() -> None:
    register(
        "coretest",
        {
            "read": [ALL_ROLES],
            "approve": [Role.LEADING_GROUP_OFFICE],
            "survey": [Role.STREET_OFFICE, Role.COMMUNITY_COMMITTEE],
        },
    )


def test_roles_in_the_table(street_users) -> None:
    east, office, admin = street_users["east"], street_users["office"], street_users["admin"]
    assert can(east, "coretest.survey")
    assert not can(east, "coretest.approve")
    assert can(office, "coretest.approve")
    assert not can(office, "coretest.survey")
    assert can(east, "coretest.read")
    assert can(office, "coretest.read")
    assert can(admin, "coretest.approve") and can(admin, "coretest.survey")


def test_other_roles(tree, make_user) -> None:
    dept = make_user("finance", Role.DEPARTMENT, tree.city, department_type=DepartmentType.FINANCE)
    assert can(dept, "coretest.read")
    assert not can(dept, "coretest.survey")


def test_anonymous_may_do_nothing() -> None:
    assert not can(AnonymousUser(), "coretest.read")
    assert not can(None, "coretest.read")


def test_unknown_action_is_an_error(street_users) -> None:
    with pytest.raises(KeyError):
        can(street_users["east"], "coretest.fly")
    # Platform admins are allowed everything before the table is consulted.
    assert can(street_users["admin"], "coretest.fly")


def test_require_raises_translated_permission_denied(street_users) -> None:
    require(street_users["office"], "coretest.approve")
    with pytest.raises(PermissionDenied, match=r"coretest\.approve"):
        require(street_users["east"], "coretest.approve")


def test_accounts_table_is_registered(street_users) -> None:
    assert can(street_users["office"], "accounts.pick_jurisdiction")
    assert not can(street_users["east"], "accounts.pick_jurisdiction")
    rows = dict(table_rows())
    assert rows["coretest.approve"] == [Role.LEADING_GROUP_OFFICE]
    assert "accounts.manage_user" in rows
