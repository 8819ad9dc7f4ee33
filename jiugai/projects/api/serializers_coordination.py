"""Serializers of the coordination and complaints API: utility tasks, meetings with their actions, complaints
(reporter's name and phone masked for roles that do not handle complaints). Names are prefixed so that the
OpenAPI component names stay unique across the whole API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jiugai.accounts.choices import UtilityType

from ..choices import ComplaintCategory, TaskStatus
from ..models import ActionItem, Complaint, Meeting, UtilityTask
from ..selectors.complaints import contact_of


class CoordinationTaskSerializer(serializers.ModelSerializer[UtilityTask]):
    """A work on an estate's shared schedule."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    estate = serializers.CharField(source="estate.code", read_only=True)
    depends_on: serializers.PrimaryKeyRelatedField[UtilityTask] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = UtilityTask
        fields = [
            "id",
            "project",
            "estate",
            "utility",
            "title",
            "place",
            "excavation",
            "starts_on",
            "ends_on",
            "depends_on",
            "status",
        ]


class CoordinationTaskWriteSerializer(serializers.Serializer[Any]):
    """Input of a new work (all checks are the service's; nothing is saved when refused)."""

    project = serializers.IntegerField()
    estate = serializers.CharField(help_text=_("Estate code"))
    utility = serializers.ChoiceField(choices=UtilityType.choices, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=100)
    excavation = serializers.BooleanField(required=False, default=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    depends_on = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False, default=TaskStatus.PLANNED)


class CoordinationTaskUpdateSerializer(serializers.Serializer[Any]):
    """The fields of a work that may change (send only those that change)."""

    estate = serializers.CharField(required=False, help_text=_("Estate code"))
    utility = serializers.ChoiceField(choices=UtilityType.choices, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200, required=False)
    place = serializers.CharField(max_length=100, required=False)
    excavation = serializers.BooleanField(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    depends_on = serializers.ListField(child=serializers.IntegerField(), required=False)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)


class CoordinationClashSerializer(serializers.Serializer[Any]):
    """Two works at the same place of an estate in the same ISO week, at least one digging."""

    first = serializers.IntegerField(source="first.pk")
    second = serializers.IntegerField(source="second.pk")
    place = serializers.CharField()
    weeks = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class CoordinationActionSerializer(serializers.ModelSerializer[ActionItem]):
    """What a meeting decided: what, who, by when, done when."""

    class Meta:
        model = ActionItem
        fields = ["id", "text", "owner", "due_on", "done_on"]
        read_only_fields = ["id", "done_on"]


class CoordinationMeetingSerializer(serializers.ModelSerializer[Meeting]):
    """A coordination meeting with its minutes and actions."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    actions = CoordinationActionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "project", "held_on", "title", "attendees", "minutes", "actions"]


class CoordinationActionInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class CoordinationMeetingWriteSerializer(serializers.Serializer[Any]):
    """Input of a meeting record with its actions."""

    project = serializers.IntegerField()
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    attendees = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    actions = CoordinationActionInputSerializer(many=True, required=False, default=list)


class CoordinationActionDoneSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectComplaintSerializer(serializers.ModelSerializer[Complaint]):
    """A complaint as staff see it; the reporter's name and phone are masked for roles that do not handle
    complaints. The resident's reference is never shown (it is their key)."""

    project = serializers.IntegerField(source="project_id", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    mediation_group = serializers.CharField(source="mediation_group.name", read_only=True, default="")
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "project",
            "project_code",
            "category",
            "description",
            "place",
            "reporter_name",
            "reporter_phone",
            "received_at",
            "due_at",
            "overdue",
            "status",
            "mediation_group",
            "reply",
            "replied_at",
            "resolution",
            "resolved_at",
            "satisfaction",
        ]

    def _contact(self, complaint: Complaint) -> dict[str, str]:
        request = self.context.get("request")
        return contact_of(getattr(request, "user", None), complaint)

    def get_reporter_name(self, complaint: Complaint) -> str:
        return self._contact(complaint)["name"]

    def get_reporter_phone(self, complaint: Complaint) -> str:
        return self._contact(complaint)["phone"]

    def get_overdue(self, complaint: Complaint) -> bool:
        return bool(getattr(complaint, "is_overdue", False))


class ProjectComplaintReplySerializer(serializers.Serializer[Any]):
    reply = serializers.CharField(max_length=4000)


class ProjectComplaintResolveSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=4000)


class ProjectComplaintFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the complaint list."""

    project = serializers.IntegerField(required=False)
    category = serializers.ChoiceField(choices=ComplaintCategory.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
