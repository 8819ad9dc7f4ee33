"""Access in one place: `visible_to` limits every query to the user's jurisdiction subtree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from jiugai.accounts.choices import Role
from jiugai.core.scoping import get_visible_or_404, scope_path_for, visible_to
from jiugai.inventory.models import Building, Estate

pytestmark = pytest.mark.django_db


@pytest.fixture
def estates(tree, make_estate) -> dict[str, Estate]:
    return {
        "east1": make_estate("东一小区", tree.community_a, tree.street_a),
        "east2": make_estate("东二小区", tree.street_a, tree.street_a),
        "west1": make_estate("西一小区", tree.community_b, tree.street_b),
    }


def _names(user, qs) -> set[str]:
    return set(visible_to(user, qs).values_list("name", flat=True))


def test_street_office_sees_only_its_street(estates, street_users) -> None:
    assert _names(street_users["east"], Estate.objects.all()) == {"东一小区", "东二小区"}
    assert _names(street_users["west"], Estate.objects.all()) == {"西一小区"}


def test_city_and_platform_see_everything_below(estates, street_users) -> None:
    everything = {"东一小区", "东二小区", "西一小区"}
    assert _names(street_users["office"], Estate.objects.all()) == everything
    assert _names(street_users["admin"], Estate.objects.all()) == everything
    assert scope_path_for(street_users["admin"]) is None


def test_nested_scope_field(estates, street_users) -> None:
    Building.objects.create(estate=estates["east1"], number="1", floors=5)
    Building.objects.create(estate=estates["west1"], number="1", floors=5)
    east = visible_to(street_users["east"], Building.objects.all())
    assert [b.estate.name for b in east] == ["东一小区"]


def test_anonymous_and_unplaced_users_see_nothing(estates) -> None:
    from jiugai.accounts.models import User

    assert not visible_to(AnonymousUser(), Estate.objects.all()).exists()
    assert not visible_to(None, Estate.objects.all()).exists()
    # The service refuses such an account; one made behind its back must still see nothing.
    unplaced = User.objects.create(username="nowhere", role=Role.STREET_OFFICE, jurisdiction=None)
    assert not visible_to(unplaced, Estate.objects.all()).exists()


def test_user_create_requires_a_jurisdiction(make_user) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_user("nowhere", Role.STREET_OFFICE, None)


def test_active_jurisdiction_narrows_but_never_widens(tree, estates, street_users) -> None:
    office = street_users["office"]
    office.active_jurisdiction_path = tree.street_b.path
    assert _names(office, Estate.objects.all()) == {"西一小区"}
    east = street_users["east"]
    east.active_jurisdiction_path = tree.street_b.path  # outside its own subtree: ignored
    assert _names(east, Estate.objects.all()) == {"东一小区", "东二小区"}


def test_get_visible_or_404_hides_other_streets(estates, street_users) -> None:
    east = street_users["east"]
    assert get_visible_or_404(east, Estate.objects.all(), pk=estates["east1"].pk) == estates["east1"]
    with pytest.raises(Http404):
        get_visible_or_404(east, Estate.objects.all(), pk=estates["west1"].pk)
    with pytest.raises(Http404):
        get_visible_or_404(east, Estate.objects.all(), pk="not-a-number")


def test_jurisdiction_itself_is_scoped(tree, street_users) -> None:
    from jiugai.accounts.models import Jurisdiction

    names = set(visible_to(street_users["east"], Jurisdiction.objects.all()).values_list("name", flat=True))
    assert names == {"东街道", "东一社区"}


def test_unscoped_model_is_refused(street_users) -> None:
    from jiugai.core.models import ChangeRecord

    with pytest.raises(TypeError):
        visible_to(street_users["east"], ChangeRecord.objects.all())
