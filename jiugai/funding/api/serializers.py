"""Funding API serializers: what the API reads and the input it accepts (amounts as text, parsed by services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiugai.consultation.choices import ScopeType
from jiugai.funding.choices import DocumentKind, HardshipHandling, MovementKind, ShareMethod, SourceKind
from jiugai.funding.models import Allocation, CostShare, FundingSource, HouseholdShare, Movement
from jiugai.planning.choices import ItemClass


class FundingSourceSerializer(serializers.ModelSerializer[FundingSource]):
    jurisdiction = serializers.CharField(source="jurisdiction.code", read_only=True)
    level = serializers.CharField(read_only=True)

    class Meta:
        model = FundingSource
        fields = ["id", "jurisdiction", "kind", "level", "name", "programme", "year", "utility", "budget", "note"]


class SourceCreateSerializer(serializers.Serializer[Any]):
    jurisdiction = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    name = serializers.CharField(max_length=200)
    programme = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    utility = serializers.CharField(required=False, allow_blank=True, default="")
    budget = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MovementSerializer(serializers.ModelSerializer[Movement]):
    class Meta:
        model = Movement
        fields = ["id", "kind", "amount", "on", "reference", "note", "recorded_at"]


class AllocationSerializer(serializers.ModelSerializer[Allocation]):
    estate = serializers.CharField(source="estate.code", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True)
    source_kind = serializers.CharField(source="source.kind", read_only=True)
    received = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "source",
            "source_kind",
            "estate",
            "estate_name",
            "plan_entry",
            "amount",
            "item_class",
            "year",
            "status",
            "authorising_campaign",
            "received",
            "paid",
            "decision",
            "note",
        ]


class AllocationCreateSerializer(serializers.Serializer[Any]):
    source = serializers.IntegerField()  # type: ignore[assignment]
    estate = serializers.CharField(help_text=_("Estate code"))
    amount = serializers.CharField(help_text=_("Yuan, e.g. 300000.00"))
    plan_entry = serializers.IntegerField(required=False, allow_null=True)
    item_class = serializers.ChoiceField(choices=[("", "—"), *ItemClass.choices], required=False, default="")
    year = serializers.IntegerField(required=False, allow_null=True)
    authorising_campaign = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AllocationTransitionSerializer(serializers.Serializer[Any]):
    target = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MovementCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    amount = serializers.CharField()
    on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField()


class HouseholdShareSerializer(serializers.ModelSerializer[HouseholdShare]):
    building = serializers.CharField(source="household.building.number", read_only=True)
    stairwell = serializers.IntegerField(source="household.stairwell", read_only=True)
    room = serializers.CharField(source="household.room", read_only=True)

    class Meta:
        model = HouseholdShare
        fields = ["household", "building", "stairwell", "room", "floor", "area", "exempt", "amount"]


class CostShareSerializer(serializers.ModelSerializer[CostShare]):
    estate = serializers.CharField(source="estate.code", read_only=True)
    shares = HouseholdShareSerializer(many=True, read_only=True)

    class Meta:
        model = CostShare
        fields = [
            "id",
            "estate",
            "scope_type",
            "building",
            "stairwell",
            "item",
            "item_class",
            "total",
            "method",
            "payer",
            "hardship",
            "fund_carries",
            "status",
            "published_at",
            "decision",
            "shares",
        ]


class CostShareCreateSerializer(serializers.Serializer[Any]):
    estate = serializers.CharField(help_text=_("Estate code"))
    scope_type = serializers.ChoiceField(choices=ScopeType.choices, default=ScopeType.ESTATE)
    building = serializers.IntegerField(required=False, allow_null=True)
    stairwell = serializers.IntegerField(required=False, allow_null=True)
    item = serializers.CharField(max_length=200)
    item_class = serializers.ChoiceField(choices=[("", "—"), *ItemClass.choices], required=False, default="")
    total = serializers.CharField()
    method = serializers.ChoiceField(choices=ShareMethod.choices)
    payer = serializers.IntegerField(required=False, allow_null=True)
    hardship = serializers.ChoiceField(choices=HardshipHandling.choices, default=HardshipHandling.NONE)


class AlertSerializer(serializers.Serializer[Any]):
    """A stored alert; `message` and `reasons` in the caller's language."""

    kind = serializers.CharField()
    kind_label = serializers.CharField()
    estate = serializers.CharField(source="estate.code")
    estate_name = serializers.CharField(source="estate.name")
    allocation = serializers.IntegerField(source="allocation_id", allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    message = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    severity = serializers.IntegerField(help_text=_("1 breaks a written rule; 2 is a warning"))
    refreshed_at = serializers.DateTimeField()


class TotalSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    allocated = serializers.DecimalField(max_digits=16, decimal_places=2)
    approved = serializers.DecimalField(max_digits=16, decimal_places=2)
    received = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=16, decimal_places=2)


class SummarySerializer(serializers.Serializer[Any]):
    by_source = TotalSerializer(many=True)
    by_level = TotalSerializer(many=True)
    by_plan = TotalSerializer(many=True)
    by_jurisdiction = TotalSerializer(many=True)
