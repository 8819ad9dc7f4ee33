"""Synthetic data at a tiny scale: counts agree, rows are deterministic, one audit entry."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db.models import Count

from jiugai.core.models import AuditEntry
from jiugai.demo.synth import SynthGenerator, SynthPlace, synth_counts, synth_load
from jiugai.inventory.models import Building, Estate, Household

pytestmark = pytest.mark.django_db


def test_tiny_city_counts_are_consistent() -> None:
    result = synth_load(scale="city", estates=20, seed=3, batch_estates=7)
    estates = Estate.objects.filter(code__startswith=f"{result.prefix}-")
    assert estates.count() == result.estates == 20
    assert Building.objects.filter(estate__in=estates).count() == result.buildings
    assert Household.objects.filter(building__estate__in=estates).count() == result.households
    assert result.households > 20
    for estate in estates.annotate(b=Count("buildings", distinct=True)):
        assert estate.b == estate.stated_buildings
        households = Household.objects.filter(building__estate=estate)
        assert households.count() == estate.stated_households
        assert sum(households.values_list("area", flat=True)) == estate.total_area
        assert estate.street.level == "street" and estate.jurisdiction.parent_id == estate.street_id
    for h in Household.objects.filter(building__estate__in=estates)[:200]:
        assert 39 <= h.area <= 121
        assert 1 <= h.stairwell <= h.building.stairwells and 1 <= h.floor <= h.building.floors
    entry = AuditEntry.objects.get(action="synth.loaded")
    assert entry.payload["households"] == result.households


def test_rows_are_deterministic() -> None:
    place = SynthPlace(prefix="T", city_code="T", communities=[(1, 2, "人民路街道"), (3, 2, "人民路街道")])

    def rows() -> list[tuple[object, ...]]:
        gen = SynthGenerator(seed=5, place=place, estates=6, households_per_estate=150, now="2026-01-01T00:00:00+00:00")
        out: list[tuple[object, ...]] = []
        for batch in gen.batches():
            out += gen.estate_rows(batch, 1) + gen.building_rows(batch, 1, 1) + list(gen.household_rows(batch, 1, 1))
        return out

    assert rows() == rows()


def test_scale_counts() -> None:
    assert synth_counts(scale="national") == (220_000, 182)
    assert synth_counts(scale="province", households=300_000) == (2_000, 150)


def test_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("synth", "--scale", "city", "--estates", "5", "--seed", "9", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["estates"] == 5 and figures["households"] > 0 and figures["rows_per_s"] > 0
    call_command("synth", "--scale", "city", "--estates", "5", "--seed", "9")
    assert Estate.objects.filter(code__startswith="SYN9R2-").count() == 5


def test_copy_columns_cover_every_required_column() -> None:
    """A NOT NULL column without a default that the generator does not fill would break COPY."""
    from jiugai.core.bulk import copy_columns
    from jiugai.demo.synth import BUILDING_COLUMNS, ESTATE_COLUMNS, HOUSEHOLD_COLUMNS

    for model, columns in ((Estate, ESTATE_COLUMNS), (Building, BUILDING_COLUMNS), (Household, HOUSEHOLD_COLUMNS)):
        covered, _defaults = copy_columns(model, columns)
        required = {f.column for f in model._meta.concrete_fields if not f.null}
        assert required <= set(covered), (model.__name__, required - set(covered))
