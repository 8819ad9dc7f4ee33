from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.inventory.models import Building, Estate, Household
from jiugai.inventory.permissions import personal_data_for


class EstateSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    street: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)

    class Meta:
        model = Estate
        fields = [
            "id",
            "code",
            "name",
            "aliases",
            "address",
            "jurisdiction",
            "street",
            "street_name",
            "area",
            "latitude",
            "longitude",
            "build_year",
            "completed_on",
            "property_rights",
            "total_area",
            "stated_households",
            "stated_buildings",
            "management_status",
            "in_shantytown_plan",
            "expropriation_planned",
            "self_built_area",
            "urban_village",
            "three_supplies_done",
            "central_funded_year",
            "central_funded_programme",
        ]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = [
            "id",
            "estate",
            "number",
            "floors",
            "stairwells",
            "stated_households",
            "area",
            "structure",
            "build_year",
            "has_elevator",
        ]


class HouseholdSerializer(serializers.ModelSerializer):
    """Phone and ID number are masked unless the caller's role works with residents directly."""

    estate = serializers.IntegerField(source="building.estate_id", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "estate",
            "building",
            "stairwell",
            "floor",
            "room",
            "area",
            "owner_name",
            "phone",
            "id_number",
            "developer_held",
            "hardship",
        ]

    def to_representation(self, instance: Household) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        data.update(
            personal_data_for(getattr(request, "user", None), phone=instance.phone, id_number=instance.id_number)
        )
        return data
