from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.inventory.choices import Eligibility
from jiugai.inventory.models import Building, Estate, Household, ScreeningResult
from jiugai.inventory.permissions import personal_data_for
from jiugai.inventory.selectors import quality_badge


class EstateSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    street: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    eligibility = serializers.ChoiceField(
        choices=Eligibility.choices, read_only=True, help_text="latest screening outcome; empty when not screened"
    )
    quality = serializers.SerializerMethodField()

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
            "eligibility",
            "quality",
            "quality_issues",
        ]

    def get_quality(self, obj: Estate) -> str:
        """'ok', 'warning' or 'error': the estate's data-quality badge."""
        return quality_badge(obj.quality_issues)


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


class ScreeningResultSerializer(serializers.ModelSerializer):
    """One estate's screening: when and under which policy date (its run), outcome and reasons (its decision)."""

    estate_code = serializers.CharField(source="estate.code", read_only=True)
    run = serializers.IntegerField(source="run_id", read_only=True)
    screened_at = serializers.DateTimeField(source="run.screened_at", read_only=True)
    policy_date = serializers.DateField(source="run.policy_date", read_only=True)
    outcome = serializers.ChoiceField(source="decision.outcome", choices=Eligibility.choices, read_only=True)
    reasons = serializers.JSONField(source="decision.reasons", read_only=True)

    class Meta:
        model = ScreeningResult
        fields = ["id", "run", "estate", "estate_code", "screened_at", "policy_date", "outcome", "reasons"]


class ScreeningRequestSerializer(serializers.Serializer):
    """Screen every estate of a jurisdiction under the policy in force on a date (today by default)."""

    jurisdiction = serializers.CharField(max_length=32)
    date = serializers.DateField(required=False, allow_null=True)


class EstateScreenRequestSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)


class ScreeningSummarySerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    policy_date = serializers.DateField()
    estates = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    households = serializers.DictField(child=serializers.IntegerField())
    post2000_household_cap = serializers.CharField(allow_null=True)
    seconds = serializers.FloatField()


class QualityReportSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(allow_null=True)
    streets = serializers.ListField(child=serializers.DictField())
    plan_checks = serializers.ListField(child=serializers.DictField())
