"""Serializers of the acceptance API: what it reads (inspections, defects, rounds with signatures, handover,
archive, final accounts, evaluation, the KPI) and the input it accepts (checked again by the services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import ArchiveKind, FinalAccountStatus, InspectionKind, Party, Receiver, Verdict
from ..models import (
    AcceptanceRound,
    AcceptanceSignature,
    ArchiveItem,
    Defect,
    FinalAccount,
    Handover,
    Inspection,
    PostEvaluation,
)


class AcceptanceDefectSerializer(serializers.ModelSerializer[Defect]):
    """A problem on the rectification list."""

    project = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Defect
        fields = [
            "id",
            "project",
            "inspection",
            "acceptance",
            "description",
            "place",
            "due_on",
            "status",
            "rectification",
            "closed_on",
        ]


class AcceptanceInspectionSerializer(serializers.ModelSerializer[Inspection]):
    """An inspection with the defects it found."""

    project = serializers.CharField(source="project.code", read_only=True)
    defects = AcceptanceDefectSerializer(many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "project", "kind", "held_on", "inspector", "findings", "defects"]


class AcceptanceDefectRowSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField()


class AcceptanceInspectionCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    held_on = serializers.DateField()
    inspector = serializers.CharField(max_length=200)
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    defects = AcceptanceDefectRowSerializer(many=True, required=False, default=list)


class AcceptanceDefectCreateSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    due_on = serializers.DateField()
    inspection = serializers.IntegerField(required=False, allow_null=True, default=None)


class AcceptanceDefectCloseSerializer(serializers.Serializer[Any]):
    rectification = serializers.CharField()
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)


class AcceptanceSignatureSerializer(serializers.ModelSerializer[AcceptanceSignature]):
    """One party's signature (the signer's name and organisation, no contact details)."""

    class Meta:
        model = AcceptanceSignature
        fields = ["party", "verdict", "signer_name", "organisation", "note", "created_at"]


class AcceptanceRoundSerializer(serializers.ModelSerializer[AcceptanceRound]):
    """A round of joint acceptance with its signatures and the parties still to sign."""

    project = serializers.CharField(source="project.code", read_only=True)
    signatures = AcceptanceSignatureSerializer(many=True, read_only=True)
    missing = serializers.SerializerMethodField()

    class Meta:
        model = AcceptanceRound
        fields = ["id", "project", "number", "held_on", "required_parties", "status", "signatures", "missing"]

    def get_missing(self, rnd: AcceptanceRound) -> list[str]:
        signed = {s.party for s in rnd.signatures.all()}
        return [p for p in rnd.required_parties if p not in signed]


class AcceptanceRoundOpenSerializer(serializers.Serializer[Any]):
    held_on = serializers.DateField()
    required_parties = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Parties that must sign; all six when left out"),
    )


class AcceptanceSignInputSerializer(serializers.Serializer[Any]):
    party = serializers.ChoiceField(choices=Party.choices)
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class AcceptanceHandoverSerializer(serializers.ModelSerializer[Handover]):
    """The handover agreement."""

    class Meta:
        model = Handover
        fields = ["receiver_kind", "receiver_name", "signed_on", "terms", "document"]


class AcceptanceHandoverCreateSerializer(serializers.Serializer[Any]):
    receiver_kind = serializers.ChoiceField(choices=Receiver.choices)
    receiver_name = serializers.CharField(max_length=200)
    signed_on = serializers.DateField()
    terms = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class AcceptanceArchiveItemSerializer(serializers.ModelSerializer[ArchiveItem]):
    """A document in the archive."""

    class Meta:
        model = ArchiveItem
        fields = ["id", "kind", "title", "document", "created_at"]


class AcceptanceArchiveCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ArchiveKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    document = serializers.FileField()


class AcceptanceFinalAccountSerializer(serializers.ModelSerializer[FinalAccount]):
    """The final accounts with the totals they compare with."""

    difference = serializers.SerializerMethodField()

    class Meta:
        model = FinalAccount
        fields = [
            "contract_total",
            "variations_total",
            "final_amount",
            "difference",
            "status",
            "auditor",
            "audited_on",
            "note",
        ]

    def get_difference(self, account: FinalAccount) -> str:
        return str(account.final_amount - account.contract_total - account.variations_total)


class AcceptanceFinalAccountInputSerializer(serializers.Serializer[Any]):
    final_amount = serializers.CharField(help_text=_("Yuan, e.g. 812000.00"))
    status = serializers.ChoiceField(choices=FinalAccountStatus.choices, default=FinalAccountStatus.DRAFT)
    auditor = serializers.CharField(required=False, allow_blank=True, default="")
    audited_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptanceEvaluationSerializer(serializers.ModelSerializer[PostEvaluation]):
    """The post-evaluation with the satisfaction figures it used."""

    class Meta:
        model = PostEvaluation
        fields = ["evaluated_on", "summary", "figures"]


class AcceptanceEvaluationInputSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField()
    evaluated_on = serializers.DateField(required=False, allow_null=True, default=None)


class AcceptanceArchiveRowSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    present = serializers.BooleanField()
    items = AcceptanceArchiveItemSerializer(many=True)


class AcceptanceStateSerializer(serializers.Serializer[Any]):
    """A project's acceptance state in one read."""

    stage = serializers.CharField()
    accepted_on = serializers.DateField(allow_null=True)
    rounds = AcceptanceRoundSerializer(many=True)
    open_defects = AcceptanceDefectSerializer(many=True)
    archive = AcceptanceArchiveRowSerializer(many=True)
    archive_missing = serializers.ListField(child=serializers.CharField())
    handover = AcceptanceHandoverSerializer(allow_null=True)
    final_account = AcceptanceFinalAccountSerializer(allow_null=True)
    totals = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    evaluation = AcceptanceEvaluationSerializer(allow_null=True)
    satisfaction = serializers.DictField()


class AcceptancePassRateSerializer(serializers.Serializer[Any]):
    """The pass-rate KPI: the rule's decision (exact fractions as "p/q") and one row per project."""

    jurisdiction = serializers.CharField(allow_null=True)
    decision = serializers.DictField()
    rows = serializers.ListField(child=serializers.DictField())
