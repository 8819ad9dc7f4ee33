"""Consultation API shapes. Serializers parse and present; the services decide."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from jiugai.consultation.choices import (
    Adoption,
    Answer,
    Channel,
    CommentChannel,
    CommentKind,
    DayCount,
    DecisionRule,
    Matter,
    NoticeSubject,
    OpinionChannel,
    ScopeType,
)
from jiugai.consultation.models import (
    Ballot,
    Campaign,
    DraftComment,
    DraftDocument,
    DraftSection,
    Notice,
    NoticeComment,
    Opinion,
    OpinionKeyword,
)
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


# --- public notices ----------------------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "jurisdiction",
            "estate",
            "subject",
            "subject_label",
            "object_type",
            "object_id",
            "title",
            "content",
            "issuer",
            "window_days",
            "day_count",
            "days_source",
            "status",
            "published_at",
            "closes_at",
            "public_id",
        ]
        read_only_fields = fields

    def get_object_type(self, obj: Notice) -> str:
        content_type = obj.content_type if obj.content_type_id else None
        return f"{content_type.app_label}.{content_type.model}" if content_type is not None else ""


class NoticeCreateSerializer(serializers.Serializer):
    jurisdiction = serializers.IntegerField()
    estate = serializers.IntegerField(required=False, allow_null=True)
    subject = serializers.ChoiceField(choices=NoticeSubject.choices)
    subject_label = serializers.CharField(max_length=200)
    object_type = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="app_label.model, e.g. consultation.campaign"
    )
    object_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    issuer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    window_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=90, help_text="Empty: the policy profile's window"
    )
    day_count = serializers.ChoiceField(choices=DayCount.choices, default=DayCount.CALENDAR)


class NoticeCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeComment
        fields = [
            "id",
            "notice",
            "kind",
            "channel",
            "text",
            "name",
            "contact",
            "submitted_at",
            "response",
            "responded_at",
        ]
        read_only_fields = fields


class NoticeCommentEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommentKind.choices)
    text = serializers.CharField(max_length=2000)
    channel = serializers.ChoiceField(choices=[c for c in CommentChannel.values if c != CommentChannel.ONLINE])
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class ResponseSerializer(serializers.Serializer):
    comment = serializers.IntegerField()
    response = serializers.CharField(max_length=5000)


class GateSerializer(serializers.Serializer):
    open = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


# --- drafts for public comment -------------------------------------------------------------------------


class DraftSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftSection
        fields = ["id", "number", "heading", "body"]
        read_only_fields = fields


class DraftSerializer(serializers.ModelSerializer):
    sections = DraftSectionSerializer(many=True, read_only=True)

    class Meta:
        model = DraftDocument
        fields = [
            "id",
            "jurisdiction",
            "title",
            "issuer",
            "introduction",
            "opens_at",
            "closes_at",
            "email",
            "email_subject",
            "postal_address",
            "postal_code",
            "letter_note",
            "contact_phone",
            "status",
            "summary",
            "summary_figures",
            "summary_published_at",
            "public_id",
            "sections",
        ]
        read_only_fields = fields


class DraftSectionInputSerializer(serializers.Serializer):
    heading = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")


class DraftCreateSerializer(serializers.Serializer):
    jurisdiction = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=200)
    introduction = serializers.CharField(required=False, allow_blank=True, default="")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    window_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=90)
    day_count = serializers.ChoiceField(choices=DayCount.choices, default=DayCount.CALENDAR)
    sections = DraftSectionInputSerializer(many=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    email_subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    letter_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class DraftCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftComment
        fields = [
            "id",
            "draft",
            "section",
            "channel",
            "text",
            "name",
            "contact",
            "submitted_at",
            "adoption",
            "response",
            "responded_at",
        ]
        read_only_fields = fields


class DraftCommentEntrySerializer(serializers.Serializer):
    section = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(max_length=5000)
    channel = serializers.ChoiceField(choices=[c for c in CommentChannel.values if c != CommentChannel.ONLINE])
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class AdoptionSerializer(serializers.Serializer):
    comment = serializers.IntegerField()
    adoption = serializers.ChoiceField(choices=[a for a in Adoption.values if a != Adoption.PENDING])
    response = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DraftSummarySerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=20000)


# --- opinions ----------------------------------------------------------------------------------------


class OpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opinion
        fields = ["id", "estate", "building", "channel", "text", "heard_on", "items", "matches", "items_set_by_staff"]
        read_only_fields = fields


class OpinionEntrySerializer(serializers.Serializer):
    estate = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=[c for c in OpinionChannel.values if c != OpinionChannel.PHONE])
    text = serializers.CharField(max_length=2000)
    heard_on = serializers.DateField(required=False, allow_null=True)


class OpinionKeywordSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpinionKeyword
        fields = ["id", "keyword", "item"]
        read_only_fields = ["id"]
