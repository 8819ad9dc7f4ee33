"""Serializers of the planning API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.planning.models import (
    AnnualPlan,
    Bundle,
    CatalogueItem,
    CatalogueVersion,
    PlanEntry,
    PriorityWeights,
    ProposalLine,
    RenovationProposal,
)


class CatalogueItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "code",
            "name",
            "item_class",
            "unit",
            "quantity_basis",
            "quantity_factor",
            "unit_cost",
            "utility",
            "condition_item",
            "targets",
            "note",
        ]


class CatalogueVersionSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = CatalogueItemSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogueVersion
        fields = ["id", "jurisdiction", "version", "effective_from", "title", "note", "items"]


class CatalogueVersionCreateSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(help_text="Jurisdiction code; empty for the national catalogue")
    effective_from = serializers.DateField()
    title = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True)
    items = serializers.ListField(child=serializers.DictField(), min_length=1)


class ProposalLineSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    item_class = serializers.CharField(source="item.item_class", read_only=True)

    class Meta:
        model = ProposalLine
        fields = ["item_code", "item_name", "item_class", "quantity", "unit_cost", "cost", "origin", "reason"]


class ProposalSerializer(serializers.ModelSerializer):
    estate_code = serializers.CharField(source="estate.code", read_only=True)
    lines = ProposalLineSerializer(many=True, read_only=True)

    class Meta:
        model = RenovationProposal
        fields = ["id", "estate", "estate_code", "version", "catalogue", "note", "prefill", "total", "lines"]


class ProposalWriteLineSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="Catalogue item code")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class ProposalCreateSerializer(serializers.Serializer):
    estate = serializers.IntegerField()
    prefill = serializers.BooleanField(default=False, help_text="Pre-fill from the survey and residents' wishes")
    note = serializers.CharField(required=False, allow_blank=True)
    lines = ProposalWriteLineSerializer(many=True, required=False)


class ScoreLineSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    raw = serializers.CharField(allow_null=True)
    normalised = serializers.CharField()
    weight = serializers.CharField()
    points = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    estate = serializers.IntegerField()
    estate_code = serializers.CharField()
    estate_name = serializers.CharField()
    total = serializers.CharField()
    lines = ScoreLineSerializer(many=True)


class WeightsSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PriorityWeights
        fields = ["id", "jurisdiction", "version", "effective_from", "weights", "note"]


class BundleSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    estate_codes = serializers.SerializerMethodField()

    class Meta:
        model = Bundle
        fields = ["id", "jurisdiction", "name", "status", "estates", "estate_codes", "shared_items", "max_distance_m"]

    def get_estate_codes(self, obj: Bundle) -> list[str]:
        return [e.code for e in obj.estates.all()]


class BundleDecideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["suggested", "accepted", "rejected"])


class PlanEntrySerializer(serializers.ModelSerializer):
    estate_code = serializers.CharField(source="estate.code", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True)

    class Meta:
        model = PlanEntry
        fields = [
            "estate",
            "estate_code",
            "estate_name",
            "unit_key",
            "tier",
            "cost",
            "benefit",
            "households",
            "post2000",
            "score",
            "score_breakdown",
            "in_optimal",
            "in_spreadsheet",
            "exclusion_code",
            "exclusion_message",
            "bring_in",
            "figures",
        ]


class PlanSerializer(serializers.ModelSerializer):
    jurisdiction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "jurisdiction",
            "year",
            "title",
            "budget",
            "source_budgets",
            "post2000_cap",
            "district_limits",
            "must_include",
            "must_exclude",
            "weight_overrides",
            "scenario_of",
            "status",
            "run_status",
            "run_progress",
            "run_message",
            "conflicts",
            "optimised_at",
            "result",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    title = serializers.CharField(required=False, allow_blank=True)
    post2000_cap = serializers.CharField(required=False, allow_blank=True)
    source_budgets = serializers.DictField(required=False)
    district_limits = serializers.DictField(required=False)
    weight_overrides = serializers.DictField(required=False)
    must_include = serializers.ListField(child=serializers.CharField(), required=False, help_text="Estate codes")
    must_exclude = serializers.ListField(child=serializers.CharField(), required=False, help_text="Estate codes")


class PlanUpdateSerializer(PlanCreateSerializer):
    jurisdiction = None  # type: ignore[assignment]
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)


class TransitionSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=["draft", "approved"])
    reason = serializers.CharField(required=False, allow_blank=True)
