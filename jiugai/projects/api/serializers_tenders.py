"""Serializers of the tenders API: the bill of quantities, tenders and bids, contracts and variations. Input
serializers only parse; the checks live in `services.tenders` and `jiugai.rules.tender`. Component names carry
the `Boq`/`Tender` prefix so the OpenAPI schema has one name per shape."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..choices import ContractKind, TenderMethod
from ..models import Bid, BoQLine, Contract, Tender, Variation, VariationLine

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
QUANTITY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class BoqLineSerializer(serializers.ModelSerializer):
    """A bill line with its amount and the quantity in force (with approved variations)."""

    amount = serializers.DecimalField(read_only=True, **MONEY)
    quantity_in_force = serializers.SerializerMethodField()
    added_by_variation = serializers.IntegerField(source="added_by.number", read_only=True, default=None)

    class Meta:
        model = BoQLine
        fields = [
            "id",
            "project",
            "code",
            "name",
            "unit",
            "quantity",
            "unit_price",
            "amount",
            "quantity_in_force",
            "added_by_variation",
            "position",
        ]

    def get_quantity_in_force(self, line: BoQLine) -> str:
        quantities = self.context.get("quantities") or {}
        return f"{quantities.get(line.pk, line.quantity):.2f}"


class BoqTotalsSerializer(serializers.Serializer):
    """The bill's totals: as tendered, approved variations, in force."""

    base_total = serializers.DecimalField(**MONEY)
    approved_total = serializers.DecimalField(**MONEY)
    current_total = serializers.DecimalField(**MONEY)
    frozen = serializers.CharField(help_text="Why the bill may no longer be edited directly (empty while it may)")
    lines = BoqLineSerializer(many=True)


class BoqLineCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=20)
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(**QUANTITY)


class BoqImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    append = serializers.BooleanField(required=False, default=False)


class BoqProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_blank=True)
    column_label = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class TenderBidSerializer(serializers.ModelSerializer):
    """A bid: bidder, price, the unit price per bill line (construction) and when it came in."""

    class Meta:
        model = Bid
        fields = ["id", "bidder", "price", "line_prices", "submitted_on"]


class TenderSerializer(serializers.ModelSerializer):
    """A tender with its control price, method and the checks behind it, its bids lowest first and the award."""

    bids = serializers.SerializerMethodField()
    winner = serializers.CharField(source="awarded_bid.bidder", read_only=True, default="")

    class Meta:
        model = Tender
        fields = [
            "id",
            "project",
            "kind",
            "method",
            "method_reason",
            "control_price",
            "status",
            "opened_on",
            "closes_on",
            "awarded_bid",
            "winner",
            "awarded_on",
            "decision",
            "bids",
        ]

    def get_bids(self, tender: Tender) -> list[dict[str, Any]]:
        bids = sorted(tender.bids.all(), key=lambda b: (b.price, b.submitted_on, b.pk))
        return list(TenderBidSerializer(bids, many=True).data)


class TenderCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContractKind.choices)
    control_price = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    method = serializers.ChoiceField(choices=TenderMethod.choices, required=False, allow_blank=True, default="")
    method_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TenderOpenSerializer(serializers.Serializer):
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)
    closes_on = serializers.DateField(required=False, allow_null=True, default=None)


class TenderBidCreateSerializer(serializers.Serializer):
    bidder = serializers.CharField(max_length=200)
    price = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    line_prices = serializers.DictField(
        child=serializers.DecimalField(**QUANTITY), required=False, default=dict, help_text="BoQ line code → unit price"
    )
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)


class TenderAwardSerializer(serializers.Serializer):
    awarded_on = serializers.DateField(required=False, allow_null=True, default=None)


class TenderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class TenderPriceNoticeSerializer(serializers.Serializer):
    window_days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=90)


class TenderNoticeSerializer(serializers.Serializer):
    """The public notice that posts the prices."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField()
    published_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    public_id = serializers.CharField()


class TenderContractSerializer(serializers.ModelSerializer):
    """A signed contract (from a tender, or by direct award)."""

    class Meta:
        model = Contract
        fields = ["id", "project", "kind", "tender", "counterparty", "amount", "signed_on", "number", "document"]


class TenderContractCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContractKind.choices)
    signed_on = serializers.DateField()
    tender = serializers.IntegerField(required=False, allow_null=True, default=None)
    counterparty = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)
    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class TenderVariationLineSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="boq_line.code", read_only=True)
    name = serializers.CharField(source="boq_line.name", read_only=True)

    class Meta:
        model = VariationLine
        fields = ["id", "boq_line", "code", "name", "quantity_delta", "unit_price"]


class TenderVariationSerializer(serializers.ModelSerializer):
    """A variation with its lines, cost impact and decision."""

    project = serializers.IntegerField(source="contract.project_id", read_only=True)
    lines = TenderVariationLineSerializer(many=True, read_only=True)
    proposed_by = serializers.StringRelatedField()  # type: ignore[var-annotated]
    decided_by = serializers.StringRelatedField()  # type: ignore[var-annotated]

    class Meta:
        model = Variation
        fields = [
            "id",
            "project",
            "contract",
            "number",
            "reason",
            "cost_delta",
            "status",
            "proposed_by",
            "decided_by",
            "decided_at",
            "lines",
        ]


class TenderVariationChangeSerializer(serializers.Serializer):
    boq_line = serializers.IntegerField()
    quantity_delta = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(required=False, allow_null=True, default=None, **QUANTITY)


class TenderVariationNewLineSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=20)
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(**QUANTITY)


class TenderVariationCreateSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)
    lines = TenderVariationChangeSerializer(many=True, required=False, default=list)
    new_lines = TenderVariationNewLineSerializer(many=True, required=False, default=list)
    cost_delta = serializers.DecimalField(required=False, allow_null=True, default=None, **MONEY)


class TenderVariationDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
