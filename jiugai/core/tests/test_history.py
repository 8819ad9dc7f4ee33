"""Object change history: create, update and delete are recorded with old → new, personal data masked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from jiugai.core.current import acting_as
from jiugai.core.models import ChangeRecord
from jiugai.inventory.models import Building, Estate, Household

pytestmark = pytest.mark.django_db


def _records(model: type, pk: object) -> list[ChangeRecord]:
    ct = ContentType.objects.get_for_model(model)
    return list(ChangeRecord.objects.filter(content_type=ct, object_id=str(pk)).order_by("id"))


def test_create_update_delete_are_recorded(tree, make_estate, street_users) -> None:
    with acting_as(street_users["east"]):
        estate = make_estate("幸福小区", tree.community_a, tree.street_a, build_year=1995)
        estate.name = "幸福家园"
        estate.build_year = 1996
        estate.save()
        pk = estate.pk
        estate.delete()
    create, update, delete = _records(Estate, pk)
    assert create.action == ChangeRecord.Action.CREATE
    assert create.changes["name"] == [None, "幸福小区"]
    assert create.actor == street_users["east"]
    assert update.action == ChangeRecord.Action.UPDATE
    assert update.changes["name"] == ["幸福小区", "幸福家园"]
    assert update.changes["build_year"] == [1995, 1996]
    assert "updated_at" not in update.changes
    assert "code" not in update.changes
    assert delete.action == ChangeRecord.Action.DELETE
    assert delete.changes["name"] == ["幸福家园", None]
    assert str(delete) == f"{delete.get_action_display()} 幸福家园"


def test_save_without_changes_records_nothing(tree, make_estate) -> None:
    estate = make_estate("平安小区", tree.community_a, tree.street_a)
    estate.save()
    assert [r.action for r in _records(Estate, estate.pk)] == ["create"]


def test_decimal_changes_are_plain_text(tree, make_estate) -> None:
    estate = make_estate("和谐小区", tree.community_a, tree.street_a, total_area=Decimal("1000.50"))
    estate.total_area = Decimal("1200.00")
    estate.save()
    update = _records(Estate, estate.pk)[-1]
    assert update.changes["total_area"] == ["1000.50", "1200.00"]


def test_household_phone_and_id_number_are_masked(tree, make_estate) -> None:
    estate = make_estate("光明小区", tree.community_a, tree.street_a)
    building = Building.objects.create(estate=estate, number="1", floors=6)
    household = Household.objects.create(
        building=building,
        floor=3,
        room="301",
        area=Decimal("65.20"),
        owner_name="张三",
        phone="13812345678",
        id_number="110101199003071234",
    )
    household.phone = "13987654321"
    household.owner_name = "李四"
    household.save()
    pk = household.pk
    household.delete()
    create, update, delete = _records(Household, pk)
    everything = repr([create.changes, update.changes, delete.changes])
    for secret in ("13812345678", "13987654321", "110101199003071234", "5678", "1234"):
        assert secret not in everything
    assert create.changes["phone"] == [None, "***"]
    assert create.changes["id_number"] == [None, "***"]
    assert update.changes["phone"] == ["***", "***"]
    assert update.changes["owner_name"] == ["张三", "李四"]
    assert "id_number" not in update.changes
    assert delete.changes["phone"] == ["***", None]


def test_history_without_actor_is_system(tree) -> None:
    record = _records(type(tree.city), tree.city.pk)[0]
    assert record.actor is None
    assert record.action == "create"
