"""Consultation API shapes. Serializers parse and present; the services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.consultation.choices import Answer, Channel, DecisionRule, Matter, ScopeType
from jiugai.consultation.models import Ballot, Campaign
from jiugai.core.text import mask_name


class CampaignSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_label", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "estate",
            "scope_type",
            "building",
            "stairwell",
            "scope",
            "matter",
            "rule",
            "questions",
            "opens_at",
            "closes_at",
            "policy_date",
            "status",
            "decision",
            "decided_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    estate = serializers.IntegerField()
    scope_type = serializers.ChoiceField(choices=ScopeType.choices, default=ScopeType.ESTATE)
    building = serializers.IntegerField(required=False, allow_null=True)
    stairwell = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    matter = serializers.ChoiceField(choices=Matter.choices)
    rule = serializers.ChoiceField(choices=DecisionRule.choices)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    policy_date = serializers.DateField(required=False, allow_null=True)
    questions = serializers.JSONField(required=False)


class CampaignUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    opens_at = serializers.DateTimeField(required=False)
    closes_at = serializers.DateTimeField(required=False)
    policy_date = serializers.DateField(required=False)
    questions = serializers.JSONField(required=False)
    matter = serializers.ChoiceField(choices=Matter.choices, required=False)
    rule = serializers.ChoiceField(choices=DecisionRule.choices, required=False)


class TallySerializer(serializers.Serializer):
    """The live counters; exact figures as strings (areas) and integers (households, owners)."""

    total_households = serializers.IntegerField()
    total_area = serializers.CharField()
    total_heads = serializers.IntegerField()
    voted_households = serializers.IntegerField()
    yes_households = serializers.IntegerField()
    no_households = serializers.IntegerField()
    abstain_households = serializers.IntegerField()
    yes_area = serializers.CharField()
    no_area = serializers.CharField()
    abstain_area = serializers.CharField()
    yes_heads = serializers.IntegerField()
    no_heads = serializers.IntegerField()
    abstain_heads = serializers.IntegerField()
    changes = serializers.IntegerField()
    updated_at = serializers.CharField()


class BallotSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    room = serializers.CharField(source="household.room", read_only=True)
    building = serializers.CharField(source="household.building.number", read_only=True)
    stairwell = serializers.IntegerField(source="household.stairwell", read_only=True)

    class Meta:
        model = Ballot
        fields = [
            "id",
            "campaign",
            "household",
            "building",
            "stairwell",
            "room",
            "owner",
            "answer",
            "answers",
            "channel",
            "cast_at",
            "version",
        ]
        read_only_fields = fields

    def get_owner(self, obj: Ballot) -> str:
        return mask_name(obj.household.owner_name)


class BallotEntrySerializer(serializers.Serializer):
    """A paper ballot (multipart, with the scanned form) or a meeting vote entered by staff."""

    campaign = serializers.IntegerField()
    household = serializers.IntegerField()
    answer = serializers.ChoiceField(choices=Answer.choices)
    channel = serializers.ChoiceField(choices=[Channel.PAPER, Channel.MEETING], default=Channel.PAPER)
    answers = serializers.JSONField(required=False)
    attachment = serializers.FileField(required=False)

    def validate_answers(self, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("must be an object")
        return value


class PublicCastSerializer(serializers.Serializer):
    """A resident's ballot through their link: the token, the verification, the answers."""

    token = serializers.CharField(max_length=100)
    short_code = serializers.CharField(max_length=8)
    secret = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    answer = serializers.ChoiceField(choices=Answer.choices)
    answers = serializers.JSONField(required=False)

    def validate_answers(self, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("must be an object")
        return value
